package proposal

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"unionbot"
	"unionbot/bot"
)

// The form's fields: pasted text split by labels, each answer checked.

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
