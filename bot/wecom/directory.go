package wecom

import (
	"context"
	"fmt"
	"strings"

	"unionbot"
)

// AuthorizeURL is WeCom's web OAuth page (the in-app browser opens it and
// comes back to the redirect with ?code=&state=).
const AuthorizeURL = "https://open.weixin.qq.com/connect/oauth2/authorize"

// OAuthURL returns the authorize URL that sends the teacher back to redirect
// with a code and state. AuthorizeBase, when set (a fake WeCom), replaces
// open.weixin.qq.com.
func (c *Client) OAuthURL(redirect, state string) string {
	u := c.wk.GetOauth().GetTargetURL(redirect)
	u = strings.Replace(u, "state=STATE", "state="+state, 1)
	if c.AuthorizeBase != "" {
		u = strings.Replace(u, "https://open.weixin.qq.com", strings.TrimSuffix(c.AuthorizeBase, "/"), 1)
	}
	return u
}

// OAuthUserID turns an OAuth code into the WeCom user id with
// auth/getuserinfo. A code of someone outside the organisation, or a bad
// code, is EFORBIDDEN.
func (c *Client) OAuthUserID(ctx context.Context, code string) (string, error) {
	var id string
	err := c.withToken(func() error {
		r, err := c.wk.GetOauth().GetUserInfo(code)
		if err == nil {
			id = r.UserID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("auth/getuserinfo: %w", err)
	}
	if id == "" {
		return "", unionbot.Errorf(unionbot.EFORBIDDEN, "您不是本单位企业微信成员。")
	}
	return id, nil
}

// ListDirectory reads the whole address book: every department
// (department/list), then its members (user/simplelist), each member once
// with the name of the first department.
func (c *Client) ListDirectory(ctx context.Context) ([]*unionbot.Member, error) {
	al := c.wk.GetAddressList()
	var out []*unionbot.Member
	err := c.withToken(func() error {
		out = out[:0]
		depts, err := al.DepartmentList()
		if err != nil {
			return err
		}
		names := map[int]string{}
		for _, d := range depts {
			names[d.ID] = d.Name
		}
		seen := map[string]bool{}
		for _, d := range depts {
			if err := ctx.Err(); err != nil {
				return err
			}
			users, err := al.UserSimpleList(d.ID)
			if err != nil {
				return err
			}
			for _, u := range users {
				if seen[u.UserID] {
					continue
				}
				seen[u.UserID] = true
				m := &unionbot.Member{UserID: u.UserID, Name: u.Name}
				if len(u.Department) > 0 {
					m.Department = names[u.Department[0]]
				}
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list address book: %w", err)
	}
	return out, nil
}
