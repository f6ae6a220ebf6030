// Package account links a teacher's Official Account follower id to their
// WeCom member, so that what they do in the 公众号 counts as theirs.
//
// Followers have ids of their own ("oa:<openid>"); without a link they are
// separate members, who can never act as, or read the data of, a WeCom
// member. A link is made only on purpose: the teacher asks in WeCom
// (绑定公众号), which proves who they are, and confirms with the code in
// the 公众号 (绑定 123456), which proves the follower is them; or an admin
// links the two in the API. A linked follower acts as the member for
// teachers' features, never as an admin.
package account

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"unionbot"
	"unionbot/handlers/audit"
)

// CodeTTL is how long a binding code may be used.
const CodeTTL = 10 * time.Minute

// Link joins a follower to a WeCom member.
type Link struct {
	FollowerID string // "oa:<openid>"
	UserID     string // the WeCom member
	LinkedBy   string // the member themself, or the admin who linked them
	CreatedAt  time.Time
}

// Store keeps links and pending codes; storage implements it.
type Store interface {
	// SaveLinkCode replaces any code userID had.
	SaveLinkCode(ctx context.Context, userID, code string, expires time.Time) error
	// TakeLinkCode deletes the code and returns its user; ENOTFOUND when
	// there is none or it expired before now.
	TakeLinkCode(ctx context.Context, code string, now time.Time) (string, error)
	SaveLink(ctx context.Context, l *Link) error
	// DeleteLinks removes the follower's link, or every link of a member;
	// it returns how many went.
	DeleteLinks(ctx context.Context, id string) (int, error)
	// LinkedUser returns ENOTFOUND for a follower without a link.
	LinkedUser(ctx context.Context, followerID string) (string, error)
	ListLinks(ctx context.Context) ([]*Link, error)
}

// Service holds every linking use case; chat and the admin API call it.
type Service struct {
	Store   Store
	Members unionbot.MemberStore
	Now     func() time.Time
	// Audit records links made or removed (nil: none).
	Audit *audit.Service
}

// NewService returns the service on store.
func NewService(store Store, members unionbot.MemberStore, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{Store: store, Members: members, Now: now}
}

// StartLink gives a WeCom member a code to send from the 公众号. EINVALID
// for a follower (the code must come from the WeCom side).
func (s *Service) StartLink(ctx context.Context, userID string) (string, error) {
	if unionbot.IsWeChatUser(userID) {
		return "", unionbot.Errorf(unionbot.EINVALID, "%s", txtStartFromWeCom)
	}
	n, err := rand.Int(rand.Reader, big.NewInt(900000))
	if err != nil {
		return "", err
	}
	code := fmt.Sprintf("%06d", 100000+n.Int64())
	if err := s.Store.SaveLinkCode(ctx, userID, code, s.Now().Add(CodeTTL)); err != nil {
		return "", fmt.Errorf("save link code: %w", err)
	}
	return code, nil
}

// ConfirmLink links the follower to the member who asked for code and
// returns that member. EINVALID for a WeCom user or a wrong/expired code.
func (s *Service) ConfirmLink(ctx context.Context, followerID, code string) (*unionbot.Member, error) {
	if !unionbot.IsWeChatUser(followerID) {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtConfirmInOA)
	}
	userID, err := s.Store.TakeLinkCode(ctx, code, s.Now())
	if unionbot.ErrorCode(err) == unionbot.ENOTFOUND {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadCode)
	} else if err != nil {
		return nil, fmt.Errorf("take link code: %w", err)
	}
	return s.link(ctx, followerID, userID, userID)
}

// LinkByAdmin links a follower to a member from the admin API. EINVALID
// for ids of the wrong kind, ENOTFOUND for an unknown member.
func (s *Service) LinkByAdmin(ctx context.Context, followerID, userID, admin string) (*unionbot.Member, error) {
	if !unionbot.IsWeChatUser(followerID) {
		followerID = unionbot.WeChatUserID(followerID) // an openid as the platform shows it
	}
	if unionbot.IsWeChatUser(userID) || userID == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtLinkToWeCom)
	}
	ctx, rec := s.Audit.Begin(ctx, "link.set", "follower:"+followerID)
	rec.After(map[string]string{"follower": followerID, "member": userID})
	m, err := s.link(ctx, followerID, userID, admin)
	s.Audit.Finish(ctx, rec, err)
	return m, err
}

func (s *Service) link(ctx context.Context, followerID, userID, by string) (*unionbot.Member, error) {
	m, err := s.Members.FindMember(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SaveLink(ctx, &Link{FollowerID: followerID, UserID: userID, LinkedBy: by, CreatedAt: s.Now()}); err != nil {
		return nil, fmt.Errorf("save link: %w", err)
	}
	return m, nil
}

// Unlink removes the follower's link (or all of a member's); ENOTFOUND
// when there was none.
func (s *Service) Unlink(ctx context.Context, id string) error {
	ctx, rec := s.Audit.Begin(ctx, "link.delete", "link:"+id)
	rec.Before(map[string]string{"link": id})
	rec.After(map[string]string{"link": ""})
	n, err := s.Store.DeleteLinks(ctx, id)
	if err == nil && n == 0 {
		err = unionbot.Errorf(unionbot.ENOTFOUND, "%s", txtNoLink)
	}
	s.Audit.Finish(ctx, rec, err)
	if err != nil && unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
		return fmt.Errorf("delete links: %w", err)
	}
	return err
}

// LinkedUser is the member a follower is linked to (the bot asks on every
// 公众号 message); ENOTFOUND when there is none.
func (s *Service) LinkedUser(ctx context.Context, followerID string) (string, error) {
	return s.Store.LinkedUser(ctx, followerID)
}

// Links lists every link, for the admin API.
func (s *Service) Links(ctx context.Context) ([]*Link, error) { return s.Store.ListLinks(ctx) }
