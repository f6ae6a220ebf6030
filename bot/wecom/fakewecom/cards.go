package fakewecom

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// WeCom's template cards, as its documents describe them: message/send with
// msgtype template_card, and message/update_template_card with the
// response code a send or a tap handed out (once each, within 72 hours).
// The fake checks the required fields and the documented hard limits and
// answers 40058 (不合法的参数) as WeCom does for a malformed parameter.

// CodeTaskID is WeCom's errcode for a card's task_id that was used before,
// is missing or is too long ("taskid has existed or empty or exceed max
// len").
const CodeTaskID = 42014

// CodeInvalidParam is WeCom's errcode for a parameter it refuses.
const CodeInvalidParam = 40058

// Card is what a template_card send carried, as the fake read it.
type Card struct {
	CardType string
	TaskID   string
	Title    string
	Body     string
	Keys     []string // the button keys, or the submit key of a vote
	Options  []string // a vote's option ids
	URL      string   // card_action.url
}

type cardJSON struct {
	CardType  string `json:"card_type"`
	TaskID    string `json:"task_id"`
	MainTitle *struct {
		Title string `json:"title"`
		Desc  string `json:"desc"`
	} `json:"main_title"`
	SubTitleText          string `json:"sub_title_text"`
	HorizontalContentList []struct {
		KeyName string `json:"keyname"`
	} `json:"horizontal_content_list"`
	CardAction *struct {
		Type int    `json:"type"`
		URL  string `json:"url"`
	} `json:"card_action"`
	ButtonList []struct {
		Type int    `json:"type"`
		Text string `json:"text"`
		Key  string `json:"key"`
		URL  string `json:"url"`
	} `json:"button_list"`
	Checkbox *struct {
		QuestionKey string `json:"question_key"`
		OptionList  []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"option_list"`
	} `json:"checkbox"`
	SubmitButton *struct {
		Text string `json:"text"`
		Key  string `json:"key"`
	} `json:"submit_button"`
}

var taskIDChars = regexp.MustCompile(`^[0-9A-Za-z_\-@]+$`)

// checkCard validates a template_card; "" when WeCom would take it.
func checkCard(c *cardJSON) string {
	interactive := c.CardType == "button_interaction" || c.CardType == "vote_interaction" || c.CardType == "multiple_interaction"
	switch {
	case c.CardType != "text_notice" && c.CardType != "news_notice" && !interactive:
		return "invalid card_type"
	case interactive && (c.MainTitle == nil || c.MainTitle.Title == ""):
		return "main_title.title missing"
	case c.CardType == "text_notice" && (c.MainTitle == nil || c.MainTitle.Title == "") && c.SubTitleText == "":
		return "main_title.title or sub_title_text required"
	case c.CardType == "text_notice" && (c.CardAction == nil || c.CardAction.Type != 1 && c.CardAction.Type != 2):
		return "card_action missing"
	case c.CardAction != nil && c.CardAction.Type == 1 && c.CardAction.URL == "":
		return "card_action.url missing"
	case len(c.HorizontalContentList) > 6:
		return "horizontal_content_list over 6"
	}
	for _, h := range c.HorizontalContentList {
		if h.KeyName == "" {
			return "horizontal_content_list.keyname missing"
		}
	}
	keys := map[string]bool{}
	if c.CardType == "button_interaction" {
		if len(c.ButtonList) == 0 || len(c.ButtonList) > 6 {
			return "button_list must hold 1 to 6 buttons"
		}
		for _, b := range c.ButtonList {
			switch {
			case b.Text == "":
				return "button_list.text missing"
			case b.Type == 0 && (b.Key == "" || len(b.Key) > 1024):
				return "button_list.key missing or over 1024 bytes"
			case b.Type == 0 && keys[b.Key]:
				return "button_list.key repeated"
			case b.Type == 1 && b.URL == "":
				return "button_list.url missing"
			}
			keys[b.Key] = true
		}
	}
	if c.CardType == "vote_interaction" {
		switch {
		case c.Checkbox == nil || c.Checkbox.QuestionKey == "" || len(c.Checkbox.QuestionKey) > 1024:
			return "checkbox.question_key missing or over 1024 bytes"
		case len(c.Checkbox.OptionList) == 0 || len(c.Checkbox.OptionList) > 20:
			return "checkbox.option_list must hold 1 to 20 options"
		case c.SubmitButton == nil || c.SubmitButton.Key == "" || len(c.SubmitButton.Key) > 1024:
			return "submit_button.key missing or over 1024 bytes"
		}
		ids := map[string]bool{}
		for _, o := range c.Checkbox.OptionList {
			if o.ID == "" || len(o.ID) > 128 || ids[o.ID] || o.Text == "" {
				return "checkbox.option_list: id missing, repeated or over 128 bytes, or text missing"
			}
			ids[o.ID] = true
		}
	}
	return ""
}

func (c *cardJSON) card() *Card {
	out := &Card{CardType: c.CardType, TaskID: c.TaskID, Body: c.SubTitleText}
	if c.MainTitle != nil {
		out.Title = c.MainTitle.Title
	}
	for _, b := range c.ButtonList {
		out.Keys = append(out.Keys, b.Key)
	}
	if c.SubmitButton != nil {
		out.Keys = append(out.Keys, c.SubmitButton.Key)
	}
	if c.Checkbox != nil {
		for _, o := range c.Checkbox.OptionList {
			out.Options = append(out.Options, o.ID)
		}
	}
	if c.CardAction != nil {
		out.URL = c.CardAction.URL
	}
	return out
}

// responseCode is one code handed out: for whom, and when.
type responseCode struct {
	users  []string
	issued time.Time
	used   bool
}

// NewResponseCode hands out the response code a tap on user's card with
// taskID carries (the fake client puts it in the template_card_event).
func (s *Server) NewResponseCode(user, taskID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueCode([]string{user})
}

// issueCode needs s.mu held.
func (s *Server) issueCode(users []string) string {
	s.nextCode++
	code := fmt.Sprintf("fake-rc-%d", s.nextCode)
	if s.rcodes == nil {
		s.rcodes = map[string]*responseCode{}
	}
	s.rcodes[code] = &responseCode{users: users, issued: time.Now()}
	return code
}

// ExpireResponseCodes ages every code handed out past WeCom's 72 hours.
func (s *Server) ExpireResponseCodes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rc := range s.rcodes {
		rc.issued = rc.issued.Add(-73 * time.Hour)
	}
}

// sendCard records a template_card send, or refuses it; it answers with
// the new card's response code as WeCom does.
func (s *Server) sendCard(w http.ResponseWriter, m Sent, raw json.RawMessage) {
	var c cardJSON
	if len(raw) == 0 || json.Unmarshal(raw, &c) != nil {
		writeErrMsg(w, CodeInvalidParam, "template_card missing")
		return
	}
	interactive := c.CardType == "button_interaction" || c.CardType == "vote_interaction" || c.CardType == "multiple_interaction"
	if interactive && c.TaskID == "" || len(c.TaskID) > 128 {
		writeErrMsg(w, CodeTaskID, "taskid has existed or empty or exceed max len")
		return
	}
	if c.TaskID != "" && !taskIDChars.MatchString(c.TaskID) {
		writeErrMsg(w, CodeInvalidParam, "invalid task_id")
		return
	}
	if msg := checkCard(&c); msg != "" {
		writeErrMsg(w, CodeInvalidParam, msg)
		return
	}
	s.mu.Lock()
	if c.TaskID != "" && s.tasks[c.TaskID] {
		s.mu.Unlock()
		writeErrMsg(w, CodeTaskID, "taskid has existed or empty or exceed max len")
		return
	}
	if s.tasks == nil {
		s.tasks = map[string]bool{}
	}
	if c.TaskID != "" {
		s.tasks[c.TaskID] = true
	}
	m.Card = c.card()
	m.Content = m.Card.Title + "\n" + m.Card.Body
	code := s.issueCode(strings.Split(m.ToUser, "|"))
	n := s.appendSent(m)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": fmt.Sprintf("fake-msg-%d", n), "response_code": code})
}

// updateCard is message/update_template_card: a known, unused response
// code younger than 72 hours, who to update, and the buttons' new text.
func (s *Server) updateCard(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	var req struct {
		UserIDs      []string `json:"userids"`
		PartyIDs     []int    `json:"partyids"`
		TagIDs       []int    `json:"tagids"`
		AtAll        int      `json:"atall"`
		AgentID      int      `json:"agentid"`
		ResponseCode string   `json:"response_code"`
		Button       *struct {
			ReplaceName string `json:"replace_name"`
		} `json:"button"`
		TemplateCard json.RawMessage `json:"template_card"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeErr(w, 47001)
		return
	}
	switch {
	case req.AgentID == 0:
		writeErrMsg(w, CodeInvalidParam, "agentid missing")
		return
	case len(req.UserIDs) == 0 && len(req.PartyIDs) == 0 && len(req.TagIDs) == 0 && req.AtAll == 0:
		writeErrMsg(w, CodeInvalidParam, "no receiver")
		return
	case len(req.UserIDs) > 1000:
		writeErrMsg(w, CodeInvalidParam, "userids over 1000")
		return
	case (req.Button == nil || req.Button.ReplaceName == "") && len(req.TemplateCard) == 0:
		writeErrMsg(w, CodeInvalidParam, "button.replace_name or template_card required")
		return
	}
	s.mu.Lock()
	rc, ok := s.rcodes[req.ResponseCode]
	switch {
	case !ok:
		s.mu.Unlock()
		writeErrMsg(w, CodeInvalidParam, "invalid response_code")
		return
	case rc.used:
		s.mu.Unlock()
		writeErrMsg(w, CodeInvalidParam, "response_code used")
		return
	case time.Since(rc.issued) > 72*time.Hour:
		s.mu.Unlock()
		writeErrMsg(w, CodeInvalidParam, "response_code expired")
		return
	}
	rc.used = true
	m := Sent{Path: path, ToUser: strings.Join(req.UserIDs, "|"), MsgType: "update_template_card", Body: string(body),
		At: time.Now(), ResponseCode: req.ResponseCode}
	if req.Button != nil {
		m.Content = req.Button.ReplaceName
	}
	s.appendSent(m)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

func writeErrMsg(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, apiError{ErrCode: code, ErrMsg: msg})
}

// Cards returns the template cards sent to user, oldest first.
func (s *Server) Cards(user string) []Sent {
	var out []Sent
	for _, m := range s.SentTo(user) {
		if m.Card != nil {
			out = append(out, m)
		}
	}
	return out
}

// CardUpdates returns the update_template_card calls for user.
func (s *Server) CardUpdates(user string) []Sent {
	var out []Sent
	for _, m := range s.SentTo(user) {
		if m.MsgType == "update_template_card" {
			out = append(out, m)
		}
	}
	return out
}
