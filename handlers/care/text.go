package care

// Every sentence a teacher or the union's staff reads about care cases.
const (
	MsgCaseNotFound  = "没有找到这条慰问登记。"
	MsgBadCaseID     = "慰问登记编号应为正整数。"
	MsgOff           = "该功能尚未启用。"
	TitleCare        = "关怀"
	TitleCase        = "慰问登记第%d号"
	TitleHardship    = "困难职工档案"
	TitleHardshipOne = "困难职工档案第%d号"
	FlashSaved       = "已保存。"
	FlashImported    = "已导入 %d 笔历史慰问记录。"
	TitleImport      = "导入历史台账"
	txtGranted       = "已授予 %s 工会关怀权限。"
	txtRevoked       = "已撤销 %s 的工会关怀权限。"
	txtCapsNone      = "每人每年不限次数和金额。"
	txtCapCount      = "每人每年最多%d次"
	txtCapTotal      = "每人每年最多%s"
	txtCapOne        = "同一职工同一年内只能享受一次公款慰问"
	MsgLedgerFormat  = "format 只能是 json 或 xlsx。"

	txtNoKinds      = "至少要有一个慰问类别。"
	txtBadKindName  = "第 %d 个慰问类别的名称为空、超过 16 个字或重复。"
	txtBadAmount    = "“%s”的标准金额须大于 0 且不超过 %s。"
	txtBadCap       = "每人每年的次数和金额上限不能为负数（0 表示不限）。"
	txtNoStandard   = "无固定标准"
	txtStandard     = "标准"
	txtWithinYear   = "一年内"
	txtNth          = "第%d次%s"
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
	txtNoActor       = "关怀记录只对有关怀权限的工会干事开放：管理后台请用企业微信登录本人账号；管理接口的关怀路由须带 X-Unionbot-User 请求头，写本人账号。"
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

// Sentences of the 困难职工档案.
const (
	MsgHardshipNotFound = "没有找到这份困难职工档案。"
	MsgHardshipExists   = "这户已有困难职工档案（一户一档），请在原档案上办理。"
	txtBadMove          = "档案现在是“%s”，不能改为“%s”；可以改为：%s。"
	txtNeedReason       = "改为“%s”须写明原因（如 脱困、退休、离职、去世）。"
	txtBadTier          = "困难类型“%s”不对，只能是 深度困难、相对困难 或 意外致困。"
	txtBadCauses        = "请写明致困主因，次因最多 3 个。"
	txtBadIncome        = "家庭收入不能为负数。"
	txtBadHousehold     = "家庭成员须写明姓名，收入不能为负数。"
	txtRecheckDue       = "困难职工档案第%d号（%s，%s）已满一年，请安排年度复核（入户核实家庭收入和困难情况）。"
	txtRevisitDue       = "困难职工档案第%d号（%s）于%s%s已满半年，请安排回访。"
)

// Sentences of the legacy ledger import.
const (
	txtImportNotExcel = "请上传 Excel 文件（.xlsx）。"
	txtImportNoHeader = "没有找到表头：第一张表须有“日期”“姓名”“部门”“类别”“金额/物品”“经办人”“票据号”“备注”等列。"
	txtImportTooMany  = "一次最多导入 %d 行。"
	txtImportMissing  = "缺少姓名或类别。"
	txtImportAmount   = "金额/物品看不懂，金额请写成 150 或 150.50。"
)

// Sentences of the care reminders.
const (
	txtBirthday        = "%d岁生日"
	txtRetires         = "退休"
	txtWorkYears       = "参加工作%d周年"
	txtHardshipOnFile  = "困难职工档案在档户"
	txtDigestHead      = "下周（%s 至 %s）的关怀提醒："
	txtDigestLine      = "%s %s：%s"
	txtFestivalHead    = "%s（%s）快到了，符合条件的%s共 %d 人：%s。\n在管理后台“关怀”页或 POST /api/care/festivals/%s/cases 一步创建节日慰问登记。"
	txtFestivalNone    = "（无）"
	txtFestivalCase    = "%d年%s节日慰问"
	MsgUnknownFestival = "没有这个节日，可选：三八、重阳、春节。"
	// FestivalKind is the kind of the cases CreateFestivalCases opens.
	FestivalKind       = "节日慰问"
	FlashFestival      = "已创建 %d 条节日慰问登记。"
	FlashProfiles      = "已导入 %d 位会员的关怀信息。"
	MsgNeedFile        = "请选择 Excel 文件。"
	txtNoFestDate      = "%d年的%s日期还没有录入。"
	txtProfileBadDay   = "第 %d 行的日期“%s”看不懂，请写成 1980-05-01。"
	txtProfileFormDay  = "%s“%s”看不懂，请写成 1980-05-01。"
	txtProfileNoMember = "请填写会员的账号或姓名。"
	txtRulesBadLine    = "第 %d 行“%s”看不懂：请写类别名称，后面跟金额（元），多次的用“/”分开，例如：生病住院 150/100/50。"
	txtRulesBadCount   = "每年次数上限“%s”看不懂，请写整数，不限就留空。"
	txtRulesBadTotal   = "每年金额上限“%s”看不懂，请写金额（元），不限就留空。"
	// FlashRules is the console's word after the rules are saved.
	FlashRules       = "慰问标准已保存。"
	txtProfileGender = "性别请填“男”或“女”，不清楚可以不填。"
	// FlashProfile is the console's word after one profile is saved.
	FlashProfile     = "已保存%s的关怀信息。"
	txtProfileNoID   = "第 %d 行缺少账号或姓名，或找不到这位会员。"
	txtProfileHeader = "没有找到表头：第一张表须有“账号”或“姓名”列，以及“性别”“出生日期”“参加工作时间”“退休日期”中的若干列。"
)
