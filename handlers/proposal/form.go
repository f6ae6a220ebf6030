package proposal

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"unionbot"
	"unionbot/bot"
)

// FlowName is the chat form of both kinds.
const FlowName = "proposal"

// Field keys.
const (
	keyTitle     = "title"
	keyCategory  = "category"
	keyContent   = "content"
	keyMeasures  = "measures"
	keyAnonymous = "anonymous"
	keySeconders = "seconders"
)

// formField is one question of the form. The limits of every text a
// teacher writes are here, in one place.
type formField struct {
	Key     string
	Label   string   // the name used in questions and in pasted text
	Aliases []string // other names a teacher may paste it under
	Max     int      // most characters, for texts
	Ask     string
}

var suggestionFields = []formField{
	{Key: keyTitle, Label: "标题", Aliases: []string{"题目", "主题"}, Max: 50, Ask: "请用一句话写出建议的标题（50 字以内）："},
	{Key: keyCategory, Label: "类别", Aliases: []string{"分类", "类型"}, Ask: "属于哪一类？回复数字或名称：\n" + numbered(Categories)},
	{Key: keyContent, Label: "内容", Aliases: []string{"建议内容", "问题", "现状"}, Max: 2000, Ask: "请写出建议的内容：现在的问题和原因（2000 字以内）："},
	{Key: keyMeasures, Label: "建议措施", Aliases: []string{"措施", "办法", "建议"}, Max: 1000, Ask: "您建议怎么做？（1000 字以内）"},
	{Key: keyAnonymous, Label: "匿名", Aliases: []string{"是否匿名"}, Ask: "是否匿名提交？回复“是”或“否”。匿名时工会办理人员看不到您的姓名，进展仍会通知您。"},
}

var motionFields = []formField{
	{Key: keyTitle, Label: "案由", Aliases: []string{"标题", "题目"}, Max: 50, Ask: "请写出提案的案由（一句话，50 字以内）："},
	{Key: keyContent, Label: "理由", Aliases: []string{"内容", "提案理由"}, Max: 2000, Ask: "请写出提案的理由（2000 字以内）："},
	{Key: keyMeasures, Label: "办法", Aliases: []string{"措施", "建议措施", "解决办法"}, Max: 1000, Ask: "请写出建议的解决办法（1000 字以内）："},
	{Key: keySeconders, Label: "附议人", Aliases: []string{"附议"}, Ask: "请写出至少 %d 位附议人的姓名或工号，用空格或顿号分开。他们会收到邀请，须在 3 天内回复“附议”："},
}

func formFields(kind string) []formField {
	if kind == KindMotion {
		return motionFields
	}
	return suggestionFields
}

func numbered(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strconv.Itoa(i+1) + ". " + s
	}
	return strings.Join(out, "\n")
}

// field is p's value of a form field, for validation.
func (p *Proposal) field(key string) string {
	switch key {
	case keyTitle:
		return p.Title
	case keyCategory:
		return p.Category
	case keyContent:
		return p.Content
	case keyMeasures:
		return p.Measures
	}
	return ""
}

// form is the state of the chat form; it lives in the session store, so
// it survives a restart.
type form struct {
	Kind      string
	Step      int // index into formFields(Kind); len means the preview
	Values    map[string]string
	Seconders []Seconder
	Editing   bool // the field asked is filled already: 不变 keeps it
}

func (f *form) fields() []formField { return formFields(f.Kind) }

func (f *form) preview() bool { return f.Step >= len(f.fields()) }

// advance moves to the first field still empty, or to the preview.
func (f *form) advance() {
	f.Editing = false
	for i, fd := range f.fields() {
		if f.Values[fd.Key] == "" {
			f.Step = i
			return
		}
	}
	f.Step = len(f.fields())
}

// labelRe finds "标题：" and the like in pasted text.
var labelRe = func() *regexp.Regexp {
	var names []string
	for _, fs := range [][]formField{suggestionFields, motionFields} {
		for _, f := range fs {
			names = append(names, regexp.QuoteMeta(f.Label))
			for _, a := range f.Aliases {
				names = append(names, regexp.QuoteMeta(a))
			}
		}
	}
	// Longer names first, so 建议措施 wins over 建议.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if utf8.RuneCountInString(names[j]) > utf8.RuneCountInString(names[i]) {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	return regexp.MustCompile(`(?:^|[\s，,。；;])(` + strings.Join(names, "|") + `)\s*[:：]`)
}()

// StartSuggestion answers 提建议 / 合理化建议, with or without pasted text.
func (ch *Chat) StartSuggestion(c *bot.Context) error { return ch.start(c, KindSuggestion) }

// StartMotion answers 提案 / 教代会提案.
func (ch *Chat) StartMotion(c *bot.Context) error { return ch.start(c, KindMotion) }

func (ch *Chat) start(c *bot.Context, kind string) error {
	vals, rest := parsePasted(kind, c.Args, c.Fold(c.Args))
	if vals == nil && rest != "" && questionLike(rest) {
		return bot.ErrPass // 提案什么时候截止？ is a question
	}
	if _, err := ch.CanSubmit(c.Context(), c.UserID(), kind); err != nil {
		return err
	}
	f := &form{Kind: kind, Values: map[string]string{}}
	if vals == nil && rest != "" {
		// Text without labels: a short line is the title, a long one the content.
		if utf8.RuneCountInString(rest) <= 50 {
			vals = map[string]string{keyTitle: rest}
		} else {
			vals = map[string]string{keyContent: rest}
		}
	}
	problems := ch.fill(c, f, vals)
	f.advance()
	if err := c.StartFlow(FlowName, f); err != nil {
		return err
	}
	if len(vals) == 0 {
		c.Reply(fmt.Sprintf(txtIntro, KindName(kind)))
	}
	for _, p := range problems {
		c.Reply(p)
	}
	return ch.ask(c, f)
}

// fill applies pasted values in form order; a refused value is left out
// and its reason returned, the rest are kept.
func (ch *Chat) fill(c *bot.Context, f *form, vals map[string]string) []string {
	var problems []string
	for _, fd := range f.fields() {
		v, ok := vals[fd.Key]
		if !ok {
			continue
		}
		if err := ch.setField(c, f, fd, v); err != nil {
			if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
				return append(problems, unionbot.InternalMessage)
			}
			problems = append(problems, unionbot.ErrorMessage(err))
		}
	}
	return problems
}

// editRe is 修改 内容 / 改标题.
var editRe = regexp.MustCompile(`^(?:修改|更改|改)\s*(\S+)$`)

// Form handles each turn of the form.
func (ch *Chat) Form(c *bot.Context) error {
	var f form
	if err := c.LoadFlow(&f); err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	text := c.Text()
	folded := c.Fold(text)
	switch {
	case folded == "上一步" || folded == "返回":
		if f.Step == 0 {
			c.Reply(txtFirstStep)
			return ch.ask(c, &f)
		}
		f.Step--
		f.Editing = f.Values[f.fields()[f.Step].Key] != ""
		if err := c.SaveFlow(&f); err != nil {
			return err
		}
		return ch.ask(c, &f)
	case editRe.MatchString(folded):
		name := editRe.FindStringSubmatch(folded)[1]
		for i, fd := range f.fields() {
			if fd.Label == name || contains(fd.Aliases, name) {
				f.Step, f.Editing = i, f.Values[fd.Key] != ""
				if err := c.SaveFlow(&f); err != nil {
					return err
				}
				return ch.ask(c, &f)
			}
		}
		return c.Replyf(txtNoSuchField, name, labels(f.fields()))
	}
	if vals, _ := parsePasted(f.Kind, text, folded); len(vals) > 0 {
		problems := ch.fill(c, &f, vals)
		f.advance()
		if err := c.SaveFlow(&f); err != nil {
			return err
		}
		for _, p := range problems {
			c.Reply(p)
		}
		return ch.ask(c, &f)
	}
	if f.preview() {
		switch strings.TrimRight(folded, "。.!！") {
		case "确认提交", "确认", "提交", "确定":
			return ch.submit(c, &f)
		}
		return c.Reply(txtPreviewFoot)
	}
	fd := f.fields()[f.Step]
	if !(f.Editing && (folded == "不变" || folded == "不改")) {
		if err := ch.setField(c, &f, fd, text); err != nil {
			if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
				return err
			}
			c.Reply(unionbot.ErrorMessage(err))
			return ch.ask(c, &f) // the form stays where it was
		}
	}
	f.advance()
	if err := c.SaveFlow(&f); err != nil {
		return err
	}
	return ch.ask(c, &f)
}

func labels(fs []formField) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Label
	}
	return strings.Join(out, "、")
}

// submit files the previewed form. A refusal (the day's limit, a closed
// session) keeps the form, so nothing written is lost.
func (ch *Chat) submit(c *bot.Context, f *form) error {
	m, err := c.Member()
	if err != nil {
		return err
	}
	p := &Proposal{Kind: f.Kind, Title: f.Values[keyTitle], Category: f.Values[keyCategory], Content: f.Values[keyContent],
		Measures: f.Values[keyMeasures], Anonymous: f.Values[keyAnonymous] == "是",
		AuthorID: m.UserID, AuthorName: m.DisplayName(), AuthorDept: m.Department, Seconders: f.Seconders}
	if err := ch.Submit(c.Context(), p); err != nil {
		if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
			return err
		}
		return c.Reply(unionbot.ErrorMessage(err) + txtFormKept)
	}
	c.EndFlow()
	if p.Kind == KindMotion {
		names := make([]string, len(p.Seconders))
		for i, s := range p.Seconders {
			names[i] = s.Name
		}
		return c.Replyf(txtMotionDone, p.No, p.Session, strings.Join(names, "、"), SecondDays, ch.seconders(), p.No)
	}
	anon := ""
	if p.Anonymous {
		anon = txtAnonNote
	}
	return c.Replyf(txtSuggestionDone, p.No, anon, p.No)
}
