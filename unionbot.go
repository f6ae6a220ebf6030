// Package unionbot holds the domain types every part of the union bot shares:
// the error a person may see, union members, and the notices the bot sends
// on its own initiative. It imports nothing but the standard library, so the
// feature packages, storage and the channel adapters can all depend on it.
package unionbot

import (
	"context"
	"time"
)

// Role of a member in the union bot.
const (
	RoleMember = "member"
	RoleAdmin  = "admin"
)

// Member is a teacher or staff member known to the bot, keyed by the user id
// of the channel they wrote from (a WeCom userid, an Official Account openid,
// or a name typed into `unionbot chat`).
type Member struct {
	UserID     string
	Name       string
	Department string   // department or 工会小组
	Tags       []string // e.g. 女教职工, 退休
	Role       string   // RoleMember or RoleAdmin
	Channel    string   // where the member first wrote from: wecom, wechat, cli
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// HasTag reports whether the member carries tag.
func (m *Member) HasTag(tag string) bool {
	for _, t := range m.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// DisplayName is the member's name, or the user id when no name is known.
func (m *Member) DisplayName() string {
	if m.Name != "" {
		return m.Name
	}
	return m.UserID
}

// MemberFilter narrows a member listing; zero fields match everything.
type MemberFilter struct {
	Department string
	Tag        string
	Query      string // substring of user id or name
	Limit      int
	Offset     int
}

// MemberStore keeps the union's members.
type MemberStore interface {
	// EnsureMember returns the member with userID, creating a plain member
	// record on first contact. The boolean reports whether it was created.
	EnsureMember(ctx context.Context, userID, channel string) (*Member, bool, error)
	// FindMember returns ENOTFOUND when no member has userID.
	FindMember(ctx context.Context, userID string) (*Member, error)
	// SaveMember creates or updates the member by user id.
	SaveMember(ctx context.Context, m *Member) error
	// SetProfile changes only a member's name and department (from the
	// address book); ENOTFOUND for an unknown user id.
	SetProfile(ctx context.Context, userID, name, department string) error
	ListMembers(ctx context.Context, f MemberFilter) ([]*Member, error)
	CountMembers(ctx context.Context) (int, error)
}

// MemberDirectory looks a user up in the organisation's address book (WeCom
// `user/get`). It returns ENOTFOUND for an unknown user.
type MemberDirectory interface {
	LookupMember(ctx context.Context, userID string) (*Member, error)
}

// FindMember finds the member a teacher means by user id or by full name
// (a captain naming teammates, a proposer naming seconders). It returns
// ENOTFOUND when nobody matches and EINVALID when several share the name,
// each with a sentence that asks for the user id instead.
func FindMember(ctx context.Context, s MemberStore, word string) (*Member, error) {
	if m, err := s.FindMember(ctx, word); err == nil {
		return m, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	ms, err := s.ListMembers(ctx, MemberFilter{Query: word, Limit: 50})
	if err != nil {
		return nil, err
	}
	var hits []*Member
	for _, m := range ms {
		if m.Name == word {
			hits = append(hits, m)
		}
	}
	switch len(hits) {
	case 0:
		return nil, Errorf(ENOTFOUND, "没有找到会员“%s”，请检查姓名，或改写工号后重新回复名单。", word)
	case 1:
		return hits[0], nil
	}
	return nil, Errorf(EINVALID, "有不止一位会员叫“%s”，请改写工号后重新回复名单。", word)
}

// SyncResult counts what a directory sync did.
type SyncResult struct {
	Total   int `json:"total"`
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// SyncMembers brings the members up to date with the organisation's
// address book: new people are created, names and departments updated;
// tags and roles, which the union keeps, stay.
func SyncMembers(ctx context.Context, s MemberStore, dir []*Member) (SyncResult, error) {
	res := SyncResult{Total: len(dir)}
	for _, d := range dir {
		m, err := s.FindMember(ctx, d.UserID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			m = &Member{UserID: d.UserID, Name: d.Name, Department: d.Department, Role: RoleMember, Channel: ChannelWeCom}
			res.Created++
		case err != nil:
			return res, err
		case m.Name == d.Name && m.Department == d.Department:
			continue
		default:
			if err := s.SetProfile(ctx, d.UserID, d.Name, d.Department); err != nil {
				return res, err
			}
			res.Updated++
			continue
		}
		if err := s.SaveMember(ctx, m); err != nil {
			return res, err
		}
	}
	return res, nil
}

// ErrNoUserID refuses a member record without a user id.
func ErrNoUserID() error { return Errorf(EINVALID, "缺少用户编号。") }

// MsgMemberNotFound is the sentence for an unknown member.
func MsgMemberNotFound(userID string) string { return "没有找到成员“" + userID + "”。" }
