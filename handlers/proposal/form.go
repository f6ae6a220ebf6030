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

// parsePasted splits "标题：… 内容：…" into the form's keys. Labels the
// kind does not know are ignored; rest is the text before the first label.
// Labels are found in folded (the text in simplified characters, rune for
// rune), so 標題： works too; the values are cut from text as typed.
func parsePasted(kind, text, folded string) (vals map[string]string, rest string) {
	orig := []rune(text)
	if utf8.RuneCountInString(folded) != len(orig) {
		folded = text
	}
	at := func(byteOff int) int { return utf8.RuneCountInString(folded[:byteOff]) } // rune offset
	locs := labelRe.FindAllStringSubmatchIndex(folded, -1)
	if len(locs) == 0 {
		return nil, strings.TrimSpace(text)
	}
	vals = map[string]string{}
	rest = strings.TrimSpace(string(orig[:at(locs[0][0])]))
	for i, loc := range locs {
		end := len(orig)
		if i+1 < len(locs) {
			end = at(locs[i+1][0])
		}
		name := folded[loc[2]:loc[3]]
		for _, f := range formFields(kind) {
			if f.Label == name || contains(f.Aliases, name) {
				vals[f.Key] = strings.TrimSpace(string(orig[at(loc[1]):end]))
			}
		}
	}
	return vals, rest
}

// Chat holds the proposal chat commands.
type Chat struct {
	*Service
}

// setField checks one answer and stores it in f; on refusal f is unchanged.
func (ch *Chat) setField(c *bot.Context, f *form, fd formField, ans string) error {
	ans = strings.TrimSpace(ans)
	switch fd.Key {
	case keyCategory:
		cat, ok := pickCategory(c.Fold(ans))
		if !ok {
			return unionbot.Errorf(unionbot.EINVALID, txtBadCategory, strings.Join(Categories, "/"))
		}
		f.Values[fd.Key] = cat
	case keyAnonymous:
		yes, ok := yesNo(c.Fold(ans))
		if !ok {
			return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadYesNo)
		}
		f.Values[fd.Key] = map[bool]string{true: "是", false: "否"}[yes]
	case keySeconders:
		list, err := ch.resolveSeconders(c, ans)
		if err != nil {
			return err
		}
		f.Seconders = list
		names := make([]string, len(list))
		for i, s := range list {
			names[i] = s.Name
		}
		f.Values[fd.Key] = strings.Join(names, "、")
	default:
		if err := checkText(fd.Label, ans, fd.Max); err != nil {
			return err
		}
		f.Values[fd.Key] = ans
	}
	return nil
}

func pickCategory(ans string) (string, bool) {
	if n, err := strconv.Atoi(ans); err == nil && n >= 1 && n <= len(Categories) {
		return Categories[n-1], true
	}
	for _, c := range Categories {
		if ans == c || (ans != "" && strings.Contains(c, ans) && utf8.RuneCountInString(ans) >= 2) {
			return c, true
		}
	}
	return "", false
}

func yesNo(ans string) (yes, ok bool) {
	switch strings.TrimRight(ans, "。.!！") {
	case "是", "匿名", "是的", "要", "对", "好", "y", "Y", "yes":
		return true, true
	case "否", "不", "不匿名", "实名", "不是", "不要", "不用", "n", "N", "no":
		return false, true
	}
	return false, false
}

// resolveSeconders finds the colleagues a proposer named.
func (ch *Chat) resolveSeconders(c *bot.Context, list string) ([]Seconder, error) {
	words := strings.FieldsFunc(list, func(r rune) bool { return strings.ContainsRune(" ,，、;；\n", r) })
	if len(words) < ch.seconders() {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtFewSeconders, ch.seconders())
	}
	if len(words) > 10 {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtManySeconders)
	}
	seen := map[string]bool{}
	var out []Seconder
	for _, w := range words {
		m, err := ch.findMember(c, w)
		if err != nil {
			return nil, err
		}
		if m.UserID == c.UserID() {
			return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtSelfSecond)
		}
		if seen[m.UserID] {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtTwice, w)
		}
		seen[m.UserID] = true
		out = append(out, Seconder{UserID: m.UserID, Name: m.DisplayName(), Status: SecondPending})
	}
	return out, nil
}

func (ch *Chat) findMember(c *bot.Context, w string) (*unionbot.Member, error) {
	return unionbot.FindMember(c.Context(), ch.Members, w)
}

// ask says the question of f's step, or the preview.
func (ch *Chat) ask(c *bot.Context, f *form) error {
	if f.preview() {
		return c.Reply(ch.previewText(f))
	}
	fd := f.fields()[f.Step]
	q := fmt.Sprintf("（第 %d/%d 项）", f.Step+1, len(f.fields())) + fd.Ask
	if fd.Key == keySeconders {
		q = fmt.Sprintf(q, ch.seconders())
	}
	if f.Editing {
		q = fmt.Sprintf(txtCurrent, fd.Label, clip(f.Values[fd.Key], 100)) + q
	}
	return c.Reply(q)
}

func (ch *Chat) previewText(f *form) string {
	var b strings.Builder
	fmt.Fprintf(&b, txtPreviewHead, KindName(f.Kind))
	for _, fd := range f.fields() {
		fmt.Fprintf(&b, "\n【%s】%s", fd.Label, f.Values[fd.Key])
	}
	b.WriteString("\n\n" + txtPreviewFoot)
	return b.String()
}

func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

// questionLike reports text that reads as a question about proposals
// rather than one: 提案什么时候截止？ goes to the Q&A.
func questionLike(s string) bool {
	// Colloquial and traditional question words too (提案咋交, 提案要幾個人):
	// the Q&A answers those.
	for _, w := range []string{"？", "?", "什么", "怎么", "如何", "吗", "哪里", "几时", "多久", "啥", "咋", "几", "哪", "多少", "谁",
		"麼", "嗎", "幾", "誰"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

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
