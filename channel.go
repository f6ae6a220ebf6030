package unionbot

import "strings"

// WeChatPrefix starts the user id of an Official Account follower: "oa:"
// and the openid. WeCom user ids are letters, digits and "_-@." only, so
// the two id spaces can never meet: a follower is never taken for a WeCom
// member (an admin, or the author of a suggestion) unless the two are
// linked on purpose.
const WeChatPrefix = "oa:"

// Notice channels beside the default (WeCom app messages).
const (
	ChannelWeCom  = "wecom"
	ChannelWeChat = "wechat"
	ChannelRobot  = "robot"
	ChannelCLI    = "cli"
)

// WeChatUserID is the bot's user id of the follower with openid.
func WeChatUserID(openid string) string { return WeChatPrefix + openid }

// IsWeChatUser reports whether userID is an Official Account follower.
func IsWeChatUser(userID string) bool { return strings.HasPrefix(userID, WeChatPrefix) }

// OpenID is the openid in a follower's user id ("" for anyone else).
func OpenID(userID string) string {
	if id, ok := strings.CutPrefix(userID, WeChatPrefix); ok {
		return id
	}
	return ""
}

// SplitByChannel cuts a notice into one per channel its recipients use:
// WeCom users (and departments, tags, "@all") through WeCom, followers
// through the Official Account. Robot and terminal notices stay whole.
// Each part is then delivered, retried and logged on its own.
func SplitByChannel(n *Notice) []*Notice {
	if n.Channel == ChannelRobot || n.Channel == ChannelCLI {
		return []*Notice{n}
	}
	var wecom, wechat []string
	for _, u := range n.ToUsers {
		if IsWeChatUser(u) {
			wechat = append(wechat, u)
		} else {
			wecom = append(wecom, u)
		}
	}
	if len(wechat) == 0 {
		if n.Channel == ChannelWeChat { // a follower's notice always names them
			n.Channel = ChannelWeCom
		}
		return []*Notice{n}
	}
	if len(wecom) == 0 && n.ToParty == "" && n.ToTag == "" {
		n.Channel = ChannelWeChat
		return []*Notice{n}
	}
	oa := *n
	oa.ToUsers, oa.ToParty, oa.ToTag, oa.Channel = wechat, "", "", ChannelWeChat
	n.ToUsers, n.Channel = wecom, ChannelWeCom
	return []*Notice{n, &oa}
}
