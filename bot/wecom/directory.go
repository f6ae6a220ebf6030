package wecom

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
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
	base := AuthorizeURL
	if c.AuthorizeBase != "" {
		base = strings.TrimSuffix(c.AuthorizeBase, "/") + "/connect/oauth2/authorize"
	}
	q := "appid=" + url.QueryEscape(c.CorpID) + "&redirect_uri=" + url.QueryEscape(redirect) +
		"&response_type=code&scope=snsapi_base&state=" + url.QueryEscape(state)
	return base + "?" + q + "#wechat_redirect"
}

// OAuthUserID turns an OAuth code into the WeCom user id with
// auth/getuserinfo. A code of someone outside the organisation, or a bad
// code, is EFORBIDDEN.
func (c *Client) OAuthUserID(ctx context.Context, code string) (string, error) {
	var resp struct {
		APIStatus
		UserID string `json:"userid"` // older answers spell it UserId; decoding ignores case
	}
	if err := c.callWithToken(ctx, "auth/getuserinfo", url.Values{"code": {code}}, nil, &resp); err != nil {
		return "", fmt.Errorf("auth/getuserinfo: %w", err)
	}
	if resp.UserID == "" {
		return "", unionbot.Errorf(unionbot.EFORBIDDEN, "您不是本单位企业微信成员。")
	}
	return resp.UserID, nil
}

// ListDirectory reads the whole address book: every department
// (department/list), then its members (user/simplelist), each member once
// with the name of the first department.
func (c *Client) ListDirectory(ctx context.Context) ([]*unionbot.Member, error) {
	var depts struct {
		APIStatus
		Department []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"department"`
	}
	if err := c.callWithToken(ctx, "department/list", nil, nil, &depts); err != nil {
		return nil, fmt.Errorf("list address book: %w", err)
	}
	names := map[int]string{}
	for _, d := range depts.Department {
		names[d.ID] = d.Name
	}
	seen := map[string]bool{}
	var out []*unionbot.Member
	for _, d := range depts.Department {
		var users struct {
			APIStatus
			UserList []struct {
				UserID     string `json:"userid"`
				Name       string `json:"name"`
				Department []int  `json:"department"`
			} `json:"userlist"`
		}
		if err := c.callWithToken(ctx, "user/simplelist", url.Values{"department_id": {strconv.Itoa(d.ID)}}, nil, &users); err != nil {
			return nil, fmt.Errorf("list address book: %w", err)
		}
		for _, u := range users.UserList {
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
	return out, nil
}
