package wecom

import (
	"context"
	"errors"
	"strings"
	"time"

	"unionbot"
)

// WeCom's template cards (message/send with msgtype template_card, and
// message/update_template_card), which silenceper/wechat v2.1.14 does not
// have. Field names and limits follow WeCom's 模板卡片类型 and 更新模版卡片消息
// documents; only the parts the bot uses are here.

// TemplateCard is the template_card object of message/send.
type TemplateCard struct {
	CardType              string              `json:"card_type"`
	Source                *CardSource         `json:"source,omitempty"`
	MainTitle             *CardMainTitle      `json:"main_title,omitempty"`
	SubTitleText          string              `json:"sub_title_text,omitempty"`
	HorizontalContentList []HorizontalContent `json:"horizontal_content_list,omitempty"`
	CardAction            *CardAction         `json:"card_action,omitempty"`
	TaskID                string              `json:"task_id,omitempty"`
	ButtonList            []CardButton        `json:"button_list,omitempty"`
	Checkbox              *Checkbox           `json:"checkbox,omitempty"`
	SubmitButton          *SubmitButton       `json:"submit_button,omitempty"`
}

// CardSource is the small line at the top of a card.
type CardSource struct {
	Desc string `json:"desc,omitempty"`
}

// CardMainTitle is the card's title and the line under it.
type CardMainTitle struct {
	Title string `json:"title,omitempty"`
	Desc  string `json:"desc,omitempty"`
}

// HorizontalContent is one "keyname: value" line (at most 6).
type HorizontalContent struct {
	KeyName string `json:"keyname"`
	Value   string `json:"value,omitempty"`
}

// CardAction is what tapping the whole card does: type 1 opens url.
type CardAction struct {
	Type int    `json:"type"`
	URL  string `json:"url,omitempty"`
}

// CardButton is a button of a button_interaction card (at most 6); its key
// (at most 1,024 bytes) comes back as the event's EventKey.
type CardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style,omitempty"`
	Key   string `json:"key"`
}

// Checkbox is a vote card's question: question_key comes back in
// SelectedItems with the chosen options' ids (1 to 20 options).
type Checkbox struct {
	QuestionKey string           `json:"question_key"`
	OptionList  []CheckboxOption `json:"option_list"`
	Mode        int              `json:"mode"` // 0 single choice, 1 multiple
}

// CheckboxOption is one choice (id at most 128 bytes).
type CheckboxOption struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	IsChecked bool   `json:"is_checked,omitempty"`
}

// SubmitButton sends a vote card's choice; its key is the EventKey.
type SubmitButton struct {
	Text string `json:"text"`
	Key  string `json:"key"`
}

// cardSendRequest is message/send with a template card.
type cardSendRequest struct {
	ToUser       string        `json:"touser,omitempty"`
	ToParty      string        `json:"toparty,omitempty"`
	ToTag        string        `json:"totag,omitempty"`
	MsgType      string        `json:"msgtype"`
	AgentID      int           `json:"agentid"`
	TemplateCard *TemplateCard `json:"template_card"`
}

// UpdateCardRequest is message/update_template_card replacing the buttons
// of the card a teacher tapped.
type UpdateCardRequest struct {
	UserIDs      []string      `json:"userids,omitempty"`
	AgentID      int           `json:"agentid"`
	ResponseCode string        `json:"response_code"`
	Button       *UpdateButton `json:"button,omitempty"`
}

// UpdateButton is the new text of the tapped card's buttons, now unclickable.
type UpdateButton struct {
	ReplaceName string `json:"replace_name"`
}

// BuildTemplateCard turns the bot's card into WeCom's JSON object.
func BuildTemplateCard(c *unionbot.Card) *TemplateCard {
	t := &TemplateCard{CardType: c.Type, TaskID: c.TaskID, SubTitleText: c.Body}
	if c.Source != "" {
		t.Source = &CardSource{Desc: c.Source}
	}
	if c.Title != "" || c.Desc != "" {
		t.MainTitle = &CardMainTitle{Title: c.Title, Desc: c.Desc}
	}
	for _, f := range c.Fields {
		t.HorizontalContentList = append(t.HorizontalContentList, HorizontalContent{KeyName: f.Name, Value: f.Value})
	}
	for _, b := range c.Buttons {
		t.ButtonList = append(t.ButtonList, CardButton{Text: b.Text, Style: b.Style, Key: b.Key})
	}
	if c.Type == unionbot.CardVote {
		t.Checkbox = &Checkbox{QuestionKey: c.Question}
		for _, o := range c.Options {
			t.Checkbox.OptionList = append(t.Checkbox.OptionList, CheckboxOption{ID: o.ID, Text: o.Text})
		}
		if c.Submit != nil {
			t.SubmitButton = &SubmitButton{Text: c.Submit.Text, Key: c.Submit.Key}
		}
	}
	if c.URL != "" {
		t.CardAction = &CardAction{Type: 1, URL: c.URL}
	}
	return t
}

// codeTaskIDUsed is WeCom's errcode for a card whose task_id was used
// before (also for one empty or too long).
const codeTaskIDUsed = 42014

// sendCard sends n's card, or updates the tapped card for an update. An
// update WeCom refuses (the code used, or past 72 hours) falls back to
// n.Text as a new message; so does one whose code is already too old.
func (c *Client) sendCard(ctx context.Context, n *unionbot.Notice) error {
	if !n.Card.IsUpdate() {
		req := cardSendRequest{ToUser: strings.Join(n.ToUsers, "|"), ToParty: n.ToParty, ToTag: n.ToTag,
			MsgType: "template_card", AgentID: c.AgentID, TemplateCard: BuildTemplateCard(n.Card)}
		err := c.callWithToken(ctx, "message/send", nil, req, &APIStatus{})
		var se *unionbot.SendError
		if n.Attempts > 0 && errors.As(err, &se) && se.Code == codeTaskIDUsed {
			// A retry after a failure that may have been delivered (a
			// timeout, a dropped connection): WeCom took the earlier
			// attempt, whose task_id this one repeats.
			c.logger().Info("card already delivered by an earlier attempt", "task", n.Card.TaskID)
			return nil
		}
		return err
	}
	if !n.Card.CodeAt.IsZero() && c.now().Sub(n.Card.CodeAt) >= unionbot.CardCodeTTL {
		return c.sendTextInstead(ctx, n)
	}
	req := UpdateCardRequest{UserIDs: n.ToUsers, AgentID: c.AgentID, ResponseCode: n.Card.ResponseCode,
		Button: &UpdateButton{ReplaceName: n.Card.Done}}
	err := c.callWithToken(ctx, "message/update_template_card", nil, req, &APIStatus{})
	var se *unionbot.SendError
	if errors.As(err, &se) && !se.Retryable {
		c.logger().Info("card update refused; answering with a message", "errcode", se.Code, "task", n.Card.TaskID)
		return c.sendTextInstead(ctx, n)
	}
	return err
}

func (c *Client) sendTextInstead(ctx context.Context, n *unionbot.Notice) error {
	if strings.TrimSpace(n.Text) == "" {
		return nil
	}
	plain := *n
	plain.Card = nil
	return c.Send(ctx, &plain)
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
