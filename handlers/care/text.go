package care

// Every sentence a teacher or the union's staff reads about care cases.
const (
	MsgCaseNotFound = "没有找到这条慰问登记。"

	txtNoKinds      = "至少要有一个慰问类别。"
	txtBadKindName  = "第 %d 个慰问类别的名称为空、超过 16 个字或重复。"
	txtBadAmount    = "“%s”的标准金额须大于 0 且不超过 %s。"
	txtBadCap       = "每人每年的次数和金额上限不能为负数（0 表示不限）。"
	txtNoStandard   = "无固定标准"
	txtStandard     = "标准"
	txtWithinYear   = "一年内"
	txtUnknownKind  = "没有“%s”这个慰问类别，可选：%s。"
	txtNoAmount     = "请填写慰问金金额或慰问品。"
	txtBadPayAmount = "慰问金金额须在 0 到 %s 之间。"
	txtNoHandler    = "请填写经办人。"

	txtRuleSequence   = "%s%d年已享受%s慰问%d次，按规定“%s”，不能再发放。"
	txtRuleAmount     = "%s超过标准：%s本次是第%d次%s慰问，标准为%s（%s）。"
	txtRuleOnePerYear = "%s%d年已享受过一次公款慰问，按规定同一职工同一年内只能享受一次。"
	txtRuleYearCount  = "%s%d年已享受慰问%d次，按规定每人每年最多%d次。"
	txtRuleYearTotal  = "%s%d年已领慰问金%s，本次%s将超过每人每年%s的上限。"
	txtOverrideHint   = "如确需发放，请由管理员填写理由后超标准发放。"
	txtOverrideAdmin  = "只有工会管理员可以超标准发放。"
	txtOverrideNote   = "超过规定：%s；理由：%s"

	txtNotCare       = "您没有工会关怀（care）权限，不能查看或办理慰问登记。请联系工会管理员授权。"
	txtNoActor       = "请说明操作人：管理接口的关怀路由须带 X-Unionbot-User 请求头，写有关怀权限的工会干事的账号。"
	txtGrantFollower = "公众号关注者不能获得关怀权限，请授权给企业微信成员。"
	txtNoSubject     = "请写明慰问对象（本人或同事的姓名/工号）。"
	txtSummaryLong   = "情况说明最多 %d 个字。"
	txtAssigneeCare  = "%s没有工会关怀权限，不能指派给他/她。"
	txtWrongStatus   = "这条慰问登记%s，不能%s。"
	txtBadDate       = "日期“%s”看不懂，请写成 2026-03-08。"
	txtNoVisitors    = "请写明探望人。"
	txtBadYear       = "年份须在 2000 到 2100 之间。"

	// Notices to the reporter and the assignee.
	txtNoticeAssigned = "您报告的慰问登记（第%d号，%s，%s）已由%s受理，工会将尽快联系探望。"
	txtNoticeAssignee = "慰问登记第%d号（%s，%s）已指派给您，请尽快联系探望。"
	txtNoticeVisited  = "慰问登记第%d号（%s，%s）：%s已探望（%s）。"
	txtNoticePaid     = "慰问登记第%d号（%s，%s）：已发放%s。"
	txtNoticeClosed   = "慰问登记第%d号（%s，%s）已结案。感谢您对同事的关心。"
	txtNoticeReported = "新的慰问登记第%d号：%s，%s，报告人%s。回复“认领 %d”受理。"
	txtGoods          = "慰问品（%s）"

	// Chat.
	txtAskSubject  = "【报告慰问】请告诉工会需要关怀的是谁：回复“本人”，或同事的姓名/工号。回复“取消”退出。"
	txtAskKind     = "是什么情况？请回复编号：\n%s"
	txtAskSummary  = "请简单说明情况（如时间、医院或地点、联系方式），%d 字以内。"
	txtBadPick     = "请回复 1 到 %d 之间的编号。"
	txtReported    = "已收到，登记为第%d号（%s，%s）。\n接下来：工会负责关怀的老师会受理并联系探望，每一步都会通知您。"
	txtReportedFor = "\n为保护隐私，工会处理之前，%s不会看到这条登记。"
	txtSelf        = "本人"
	txtClaimUsage  = "请回复“认领 编号”，如“认领 12”。"
	txtAssignUsage = "请回复“指派 编号 姓名或工号”，如“指派 12 张老师”。"
	txtClaimed     = "已受理第%d号（%s，%s）。报告人已收到通知。"
	txtAssignedTo  = "已将第%d号（%s，%s）指派给%s，对方和报告人已收到通知。"
	txtMineHead    = "与您有关的慰问登记："
	txtMineNone    = "您没有报告过慰问登记，也没有与您有关且工会已受理的登记。回复“报告慰问”可以报告。"
	txtMineLine    = "第%d号 %s %s：%s"
)
