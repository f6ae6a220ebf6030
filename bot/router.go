package bot

import (
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// HandlerFunc answers one message.
type HandlerFunc func(*Context) error

// MiddlewareFunc wraps a handler, e.g. to let only admins through.
type MiddlewareFunc func(HandlerFunc) HandlerFunc

// ErrPass is returned by a flow or route handler that does not want the
// message after all; the router then tries the next route, or the fallback.
var ErrPass = errors.New("bot: pass")

// MenuItem is a numbered choice in the 帮助 menu; replying its number runs
// Command as if typed.
type MenuItem struct {
	Title   string // e.g. 活动报名
	Command string // e.g. 活动
	Hint    string // e.g. 查看可报名的活动
	Admin   bool   // shown only to admins
}

type route struct {
	cmd   string
	exact bool
	admin bool // wrapped in AdminOnly
	h     HandlerFunc
}

type cardRoute struct {
	prefix string
	h      HandlerFunc
}

type flow struct {
	title  string
	h      HandlerFunc
	choice bool // a question waiting for its answer, not a form
}

// Router maps text to handlers. Commands match by the longest prefix (so
// 取消报名 beats 取消), and again with polite openings such as 我要 / 我想 /
// 请 removed, so 我要报名羽毛球 reaches 报名.
type Router struct {
	// Script, when set, lets teachers write in traditional characters:
	// commands match the simplified form (報名 羽毛球 reaches 报名), and a
	// message written in traditional is answered in traditional.
	Script Script

	routes   []route
	cards    []cardRoute
	flows    map[string]flow
	menu     []MenuItem
	fallback HandlerFunc
	mws      []MiddlewareFunc
	greeting string
	// adminHelp is what 帮助 adds for admins.
	adminHelp []string
	// help holds the rendered menu for a member [0] and an admin [1]: the
	// menu is set at wiring, and 帮助 is the commonest message.
	help [2]atomic.Pointer[string]
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{flows: map[string]flow{}}
}

// Command describes a route, for tests that walk every command.
type Command struct {
	Cmd   string
	Exact bool // the message must be exactly Cmd
	Admin bool // behind AdminOnly
}

// Commands lists every route.
func (r *Router) Commands() []Command {
	out := make([]Command, len(r.routes))
	for i, rt := range r.routes {
		out[i] = Command{Cmd: rt.cmd, Exact: rt.exact, Admin: rt.admin}
	}
	return out
}

// Match is the command a message starts with, as the router reads it
// (folded to simplified), or "" for none.
func (r *Router) Match(text string) string {
	folded := r.fold(normalize(text))
	for _, rt := range r.routes {
		if strings.HasPrefix(folded, rt.cmd) && (!rt.exact || folded == rt.cmd) {
			return rt.cmd
		}
	}
	return ""
}

// Use adds middleware that wraps every handler.
func (r *Router) Use(mw ...MiddlewareFunc) { r.mws = append(r.mws, mw...) }

// Handle routes messages that start with cmd to h; Args holds the rest.
func (r *Router) Handle(cmd string, h HandlerFunc, mw ...MiddlewareFunc) {
	r.add(cmd, false, h, mw)
}

// HandleExact routes messages that are exactly cmd.
func (r *Router) HandleExact(cmd string, h HandlerFunc, mw ...MiddlewareFunc) {
	r.add(cmd, true, h, mw)
}

func (r *Router) add(cmd string, exact bool, h HandlerFunc, mw []MiddlewareFunc) {
	admin := false
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
		admin = admin || reflect.ValueOf(mw[i]).Pointer() == reflect.ValueOf(AdminOnly).Pointer()
	}
	r.routes = append(r.routes, route{cmd: cmd, exact: exact, admin: admin, h: h})
	sort.SliceStable(r.routes, func(i, j int) bool { return len(r.routes[i].cmd) > len(r.routes[j].cmd) })
}

// Card routes taps on template-card buttons whose key is prefix or starts
// with prefix+":" (signup:12, team:accept:12) to h: Command is the prefix,
// Args what follows the colon, Msg the tap (TaskID, ResponseCode,
// Selected). A tap never goes to an open form: the card says what it is.
func (r *Router) Card(prefix string, h HandlerFunc, mw ...MiddlewareFunc) {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	r.cards = append(r.cards, cardRoute{prefix: prefix, h: h})
	sort.SliceStable(r.cards, func(i, j int) bool { return len(r.cards[i].prefix) > len(r.cards[j].prefix) })
}

// CardPrefixes lists the card routes, for tests that walk them.
func (r *Router) CardPrefixes() []string {
	out := make([]string, len(r.cards))
	for i, cr := range r.cards {
		out[i] = cr.prefix
	}
	return out
}

// TxtStaleCard answers a tap whose key no route knows (a card from an
// older version, or a forged key).
const TxtStaleCard = "这张卡片已失效。回复“帮助”查看现在能做什么。"

// card dispatches a template-card tap by its key.
func (r *Router) card(c *Context) error {
	key := c.Msg.EventKey
	for _, cr := range r.cards {
		rest, ok := strings.CutPrefix(key, cr.prefix)
		if !ok || (rest != "" && rest[0] != ':') {
			continue
		}
		c.Command, c.Args = cr.prefix, strings.TrimPrefix(rest, ":")
		return r.wrap(cr.h)(c)
	}
	return c.Reply(TxtStaleCard)
}

// Flow registers the handler of a multi-turn form. While a teacher's session
// is in the flow, every message goes to h, except 取消 / 退出, which leave it.
func (r *Router) Flow(name, title string, h HandlerFunc) {
	r.flows[name] = flow{title: title, h: h}
}

// Choice registers the handler of a question the bot asked and waits for
// (which event, which entry, 确认 or not). Unlike a form it is never
// "being filled in": 帮助 or a command leaves it at once, and the handler
// returns ErrPass for anything that is not its answer, after EndFlow, so
// the message is routed as if no question were open.
func (r *Router) Choice(name, title string, h HandlerFunc) {
	r.flows[name] = flow{title: title, h: h, choice: true}
}

// isChoice reports whether name is a Choice flow (a question waiting for
// its answer), not a form.
func (r *Router) isChoice(name string) bool { return r.flows[name].choice }

// InForm reports whether a form (not a waiting question) is open.
func (r *Router) inForm(c *Context) bool {
	f, ok := r.flows[c.session.Flow]
	return c.session.Flow != "" && ok && !f.choice
}

// AddMenu appends items to the menu.
func (r *Router) AddMenu(items ...MenuItem) { r.menu = append(r.menu, items...); r.forgetHelp() }

// AdminHelp sets the lines 帮助 adds for admins after the menu.
func (r *Router) AdminHelp(lines ...string) { r.adminHelp = lines; r.forgetHelp() }

// Menu sets the numbered menu shown by 帮助 / 菜单.
func (r *Router) Menu(items ...MenuItem) { r.menu = items; r.forgetHelp() }

func (r *Router) forgetHelp() {
	for i := range r.help {
		r.help[i].Store(nil)
	}
}

// Greeting sets the first line said on subscribe / enter_agent.
func (r *Router) Greeting(text string) { r.greeting = text }

// Fallback handles text no route takes.
func (r *Router) Fallback(h HandlerFunc) { r.fallback = h }

func (r *Router) wrap(h HandlerFunc) HandlerFunc {
	for i := len(r.mws) - 1; i >= 0; i-- {
		h = r.mws[i](h)
	}
	return h
}

// politeOpenings are dropped from the front of a message when no route
// matched it as typed.
var politeOpenings = []string{"我要", "我想", "我想要", "请帮我", "帮我", "麻烦", "请"}

// Script converts between simplified and traditional Chinese.
// ToSimplified must map rune for rune.
type Script interface {
	ToSimplified(string) string
	ToTraditional(string) string
	IsTraditional(string) bool
}

// fold maps s to simplified, keeping the text when that would change its
// length in runes (the arguments are cut from the original by rune offset).
func (r *Router) fold(s string) string {
	if r == nil || r.Script == nil {
		return s
	}
	f := r.Script.ToSimplified(s)
	if utf8.RuneCountInString(f) != utf8.RuneCountInString(s) {
		return s
	}
	return f
}

// dispatch routes c to a flow, a route, a menu number or the fallback.
func (r *Router) dispatch(c *Context) error {
	text := normalize(c.Msg.Text)
	if c.session.Flow != "" {
		if f, ok := r.flows[c.session.Flow]; ok {
			if t := r.fold(text); !f.choice && (t == "取消" || t == "退出") {
				c.route = "取消"
				c.EndFlow()
				return c.Replyf("已退出「%s」，填写的内容已丢弃。回复“帮助”查看其他功能。", f.title)
			}
			c.route = "flow:" + c.session.Flow
			err := r.wrap(f.h)(c)
			if !errors.Is(err, ErrPass) {
				return err
			}
		} else {
			c.EndFlow() // a flow this version no longer knows
		}
	}
	return r.route(c, text, 0)
}

// helpWords open the menu; moreWords show the next page of a long reply.
// Both are handled here and in Bot.dispatch, and only named here.
var (
	helpWords = map[string]bool{"帮助": true, "菜单": true, "help": true, "Help": true, "?": true, "？": true}
	moreWords = map[string]bool{"下一页": true, "更多": true}
)

func (r *Router) route(c *Context, text string, depth int) error {
	folded := r.fold(text)
	if helpWords[folded] {
		c.route = "帮助"
		return r.Help(c)
	}
	// Commands match the folded text; the arguments keep the teacher's own
	// characters (a question or a suggestion is stored as written).
	candidates := []string{folded}
	for _, p := range politeOpenings {
		if rest := strings.TrimSpace(strings.TrimPrefix(folded, p)); rest != folded && rest != "" {
			candidates = append(candidates, rest)
		}
	}
	for _, t := range candidates {
		for _, rt := range r.routes {
			if !strings.HasPrefix(t, rt.cmd) || (rt.exact && t != rt.cmd) {
				continue
			}
			c.Command, c.route = rt.cmd, rt.cmd
			c.Args = trimArgs(tailRunes(text, utf8.RuneCountInString(t[len(rt.cmd):])))
			err := r.wrap(rt.h)(c)
			if !errors.Is(err, ErrPass) {
				return err
			}
		}
	}
	if n, err := strconv.Atoi(text); err == nil && depth == 0 {
		items := r.visibleMenu(c)
		if n >= 1 && n <= len(items) {
			return r.route(c, items[n-1].Command, depth+1)
		}
	}
	if r.fallback != nil {
		c.Command, c.Args, c.route = "", text, "fallback"
		if err := r.wrap(r.fallback)(c); !errors.Is(err, ErrPass) {
			return err
		}
	}
	c.route = "unknown"
	return c.Replyf("抱歉，我还不明白“%s”的意思。回复“帮助”查看我能做什么，或直接用一句话提问。", clip(text, 30))
}

func (r *Router) visibleMenu(c *Context) []MenuItem {
	var out []MenuItem
	admin := -1
	for _, it := range r.menu {
		if it.Admin {
			if admin < 0 {
				admin = 0
				if c.IsAdmin() {
					admin = 1
				}
			}
			if admin == 0 {
				continue
			}
		}
		out = append(out, it)
	}
	return out
}

// Help renders the numbered menu for the sender.
func (r *Router) Help(c *Context) error {
	role := 0
	if c.IsAdmin() {
		role = 1
	}
	if text := r.help[role].Load(); text != nil {
		return c.Reply(*text)
	}
	var b strings.Builder
	b.WriteString("您好，我是工会助手，可以帮您：\n")
	for i, it := range r.visibleMenu(c) {
		b.WriteString(strconv.Itoa(i+1) + ". " + it.Title)
		if it.Hint != "" {
			b.WriteString("：" + it.Hint)
		}
		b.WriteString("（回复“" + it.Command + "”）\n")
	}
	b.WriteString("回复数字即可选择；也可以直接提问，如“体检什么时候”。填写表单时回复“取消”可随时退出。")
	if len(r.adminHelp) > 0 && role == 1 {
		b.WriteString("\n\n" + strings.Join(r.adminHelp, "\n"))
	}
	text := b.String()
	r.help[role].Store(&text)
	return c.Reply(text)
}

// normalize trims the text and folds full-width spaces and digits.
func normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// tailRunes is the last n runes of s.
func tailRunes(s string, n int) string {
	rs := []rune(s)
	if n > len(rs) {
		return s
	}
	return string(rs[len(rs)-n:])
}

func trimArgs(s string) string {
	return strings.TrimLeftFunc(strings.TrimSpace(s), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":：,，、", r)
	})
}

func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}
