package unionbot

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// Card kinds: what the teacher can do with a card. The names are WeCom's
// template_card card_type values; other channels never see a card, only
// the notice's Text.
const (
	CardButtons = "button_interaction" // a few buttons, each with a key
	CardVote    = "vote_interaction"   // one question, options, a submit button
	CardNotice  = "text_notice"        // a notice that opens a page when tapped
)

// Card is an interactive message attached to a notice: WeCom members get
// it as a template card when cards are on, everyone else (Official Account
// followers, the terminal chat, WeCom with cards off) gets the notice's
// Text, which must therefore say the same thing with typed commands.
//
// A tap comes back as a template_card_event whose EventKey is the key of
// the button (or the submit button of a vote); routes for keys are
// registered with bot.Router.Card.
type Card struct {
	Type    string       `json:"type"`
	TaskID  string       `json:"task_id,omitempty"` // unique per card; NewTaskID
	Source  string       `json:"source,omitempty"`  // small line at the top, e.g. 工会助手
	Title   string       `json:"title,omitempty"`
	Desc    string       `json:"desc,omitempty"` // under the title
	Body    string       `json:"body,omitempty"` // the card's text
	Fields  []CardField  `json:"fields,omitempty"`
	Buttons []CardButton `json:"buttons,omitempty"`
	// A vote: one question (its key comes back in SelectedItems), its
	// options, and the submit button whose key is the EventKey.
	Question string       `json:"question,omitempty"`
	Options  []CardOption `json:"options,omitempty"`
	Submit   *CardButton  `json:"submit,omitempty"`
	// URL is the page a text_notice opens (WeCom requires one).
	URL string `json:"url,omitempty"`

	// An update of a card already sent (message/update_template_card):
	// the response code of the tap, when it was given, and the words that
	// replace the card's buttons (已报名, 候补第 2 位, 名额已满...).
	ResponseCode string    `json:"response_code,omitempty"`
	CodeAt       time.Time `json:"code_at,omitzero"`
	Done         string    `json:"done,omitempty"`
}

// CardField is one "name: value" line of a card.
type CardField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CardButton is a button whose Key comes back when tapped.
type CardButton struct {
	Text  string `json:"text"`
	Key   string `json:"key"`
	Style int    `json:"style,omitempty"` // WeCom's 1-4: 1 blue, 2 grey, 3 red, 4 plain
}

// CardOption is a choice in a vote card.
type CardOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Button styles.
const (
	StylePrimary = 1
	StyleGrey    = 2
	StyleDanger  = 3
)

// CardCodeTTL is how long WeCom accepts a response code: once, within 72
// hours. A card whose code is older is answered with a new message.
const CardCodeTTL = 72 * time.Hour

// IsUpdate reports whether the card replaces one already sent.
func (c *Card) IsUpdate() bool { return c != nil && c.ResponseCode != "" }

// NewTaskID is a fresh task id for a card: WeCom refuses a task id it has
// seen for the app, and allows only letters, digits and "_-@" (128 bytes).
func NewTaskID(prefix string) string {
	var b [8]byte
	rand.Read(b[:])
	prefix = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '@' {
			return r
		}
		return '-'
	}, prefix)
	if len(prefix) > 100 {
		prefix = prefix[:100]
	}
	return prefix + "-" + hex.EncodeToString(b[:])
}

// KeySignup starts the key of a card's 报名 button: signup:<event id>. The
// sign-ups answer it; the monthly announcement puts such buttons on its
// cards too.
const KeySignup = "signup"

// CardKey joins a card key's parts with ":" (signup:12, team:accept:12).
func CardKey(parts ...string) string { return strings.Join(parts, ":") }
