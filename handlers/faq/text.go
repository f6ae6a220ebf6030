package faq

import (
	"fmt"

	"unionbot"
)

// Reply texts of the FAQ feature, in one place so the union can reword them.
const (
	textSuggestHead  = "您是不是想问："
	textSuggestTail  = "回复数字查看答案；都不是的话回复“转人工”，工会老师会答复您。"
	textUnknown      = "抱歉，这个问题我还不会回答。回复“转人工”，我把问题转给工会老师，他们会尽快答复您；回复“帮助”查看我能做什么。"
	textRelatedHead  = "这些相关问题也许有帮助（回复数字查看）："
	textAnswerTail   = "\n\n（没解决？回复“没用”告诉我们，或回复“转人工 您的问题”，工会老师会答复您）"
	textPickRange    = "请回复 1 到 %d 之间的数字，或回复“转人工”。"
	textHandedOff    = "已把您的问题转给工会老师（编号 %d），答复会发到这里，请留意消息。"
	textHandOffEmpty = "请在“转人工”后面写上您的问题，例如：转人工 食堂几点开饭。"
	textNoAdmins     = "暂时没有设置工会管理员，无法转人工，请直接联系学校工会。"
	textAdminNotice  = "【转人工 #%d】%s问：%s\n回复“答复 %d 您的答复”即可把答复发给这位老师。"
	textReplyUsage   = "用法：答复 编号 内容，例如：答复 12 食堂中午十一点半开饭。"
	textReplyDone    = "已把答复发给提问的老师（编号 %d）。"
	textTeacherReply = "工会老师答复了您的问题（编号 %d）：\n问：%s\n答：%s"
)

// smallTalk answers politeness, which is neither a question nor worth
// logging as unanswered. Keys are simplified, without punctuation.
var smallTalk = map[string]string{
	"谢谢": "不客气！还有问题随时问我。", "谢谢你": "不客气！还有问题随时问我。", "谢谢老师": "不客气！还有问题随时问我。",
	"多谢": "不客气！还有问题随时问我。", "好的": "好的，还有问题随时问我。", "收到": "好的，还有问题随时问我。",
	"知道了": "好的，还有问题随时问我。", "明白了": "好的，还有问题随时问我。", "ok": "好的，还有问题随时问我。",
	"你好": "您好！我是工会助手，可以直接用一句话提问，如“体检什么时候”；回复“帮助”查看我能做什么。",
	"您好": "您好！我是工会助手，可以直接用一句话提问，如“体检什么时候”；回复“帮助”查看我能做什么。",
	"在吗": "在的！请直接用一句话提问，如“会费怎么交”。",
}

// Calendar answers: "when / where is …" from the open events and the plan.
const (
	textEventWhen    = "%s：%s"
	textEventWhere   = "，地点：%s"
	textEventLeft    = "，还剩 %d 个名额"
	textEventNoLimit = "，不限名额"
	textEventFull    = "，名额已满（可排候补）"
	textEventCloses  = "，报名截止 %s"
	textEventSignup  = "。回复“报名 %s”即可报名。"
	textPlanHead     = "按工会年度工作计划："
	textPlanItem     = "· %s：安排在%s"
	textPlanTail     = "具体日期和报名方式以工会通知为准，报名开始后会在“活动”里看到。"
	textMonthHead    = "%d月工会活动："
)

// The learning loop: 没用 after an answer, and saving an admin's 答复.
const (
	textUnhelpful     = "谢谢反馈，已记下这个回答没帮上忙，工会老师会改进问答。需要人工解答请回复“转人工”。"
	textUnhelpfulNone = "请在我回答问题之后回复“没用”，我会记下那个回答没帮上忙。"
	textSaveAsk       = "要把这条答复存为问答吗？以后有人这样问，我就直接回答。\n问：%s\n答：%s\n回复“存为问答”保存，回复其他内容则不保存。"
	textSaved         = "已存为问答：“%s”，现在起就能回答了。"
)

// Sentences of the store's refusals.
const (
	txtNoQuestion     = "第 %d 条缺少标准问题（question）。"
	txtNoAnswer       = "第 %d 条“%s”缺少答案（answer）。"
	txtQuestionLong   = "第 %d 条的标准问题超过 100 字，请改短一些。"
	txtSameQuestion   = "两条问答的标准问题相同，请合并后再导入。"
	txtNoQuestionID   = "没有编号为 %d 的问题。"
	txtNoEntryID      = "没有编号为 %d 的问答。"
	txtNoEntry        = "没有这条问答。"
	txtQuestionAbsent = "没有找到这个问题。"
)

// CheckEntry refuses the i-th (from 0) imported entry without a question
// or an answer, or with a question over 100 characters.
func CheckEntry(i int, e *Entry) error {
	switch {
	case e.Question == "":
		return unionbot.Errorf(unionbot.EINVALID, txtNoQuestion, i+1)
	case e.Answer == "":
		return unionbot.Errorf(unionbot.EINVALID, txtNoAnswer, i+1, e.Question)
	case len([]rune(e.Question)) > 100:
		return unionbot.Errorf(unionbot.EINVALID, txtQuestionLong, i+1)
	case len([]rune(e.Answer)) > MaxAnswerRunes*2:
		return unionbot.Errorf(unionbot.EINVALID, textAnswerTooLong, i+1, e.Question, MaxAnswerRunes*2)
	}
	return nil
}

// Messages of the store's misses and clashes.
func MsgSameQuestion() string       { return txtSameQuestion }
func MsgNoQuestion(id int64) string { return fmt.Sprintf(txtNoQuestionID, id) }
func MsgNoEntry(id int64) string    { return fmt.Sprintf(txtNoEntryID, id) }
func MsgEntryGone() string          { return txtNoEntry }
func MsgQuestionGone() string       { return txtQuestionAbsent }

// Bounds of what is typed.
const (
	textQuestionLong  = "问题太长了，请控制在 %d 字以内，说清楚想问的事就好；要反映详细情况请发送“提建议”。"
	textHandOffLong   = "转人工的问题请控制在 %d 字以内，工会老师会联系您了解详情。"
	textAnswerLong    = "答复请控制在 %d 字以内。"
	textImportTooMany = "一次最多导入 %d 条问答，这个文件有 %d 条，请分批导入。"
	textAnswerTooLong = "第 %d 条“%s”的答案超过 %d 字，请精简一些。"
)

// The same, when no admin is configured to answer a 转人工.
const (
	textUnknownNoAdmin     = "抱歉，这个问题我还不会回答，已记录下来，工会会补充答案。回复“帮助”查看我能做什么。"
	textAnswerTailNoAdmin  = "\n\n（没解决？回复“没用”告诉我们）"
	textSuggestTailNoAdmin = "回复数字查看答案。"
)

// textNotAQuestion answers text that is not a question (？？？, asdfgh).
const textNotAQuestion = "抱歉，我没看懂。回复“帮助”查看我能做什么，或直接用一句话提问，如“体检什么时候”。"
