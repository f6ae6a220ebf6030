package announce

// Reply, announcement and error texts, in one place so the union can reword
// them without reading the logic.
const (
	msgNoSchedule = "没有在文本中找到按月的工作安排（如“三月份：”“七至八月份”后列出的事项），请确认粘贴的是含“具体工作安排”或“各月工作安排”的工作计划全文。"
	msgBadYear    = "年份 %d 不对，请写四位数的年份，如 2026。"
	msgNotUTF8    = "文本不是 UTF-8 编码（可能是 GBK）。请在记事本或 WPS 中另存为 UTF-8 后再导入。"
	msgLongItem   = "事项“%s”过长，已截断。"
	msgJoined     = "“%s”没有编号，已接在上一项后面。"
	msgEmptyMonth = "%d年%d月的标题下没有列出事项。"
)

const (
	msgBadMonth            = "月份“%s”不对，请写成 2026-12 这样的格式。"
	msgNothingPlanned      = "这个月的日历里没有活动，公告未发送。"
	msgNothingPlannedShort = "本月暂无安排。"
	msgSentAlready         = "%d年%d月的公告已经发送过了（%s），不会重复发送。"
	msgEmptyBroadcast      = "群发内容不能为空。"
	msgBadAudience         = "发送对象“%s”不对：可写 all、department:部门ID、tag:标签ID 或 users:账号1,账号2。"

	fmtTitle      = "%d年%d月工会活动安排"
	titleLate     = "（补发）"
	noteLate      = "本月公告因系统维护未能按时发出，现补发。"
	headEvents    = "本月可报名的活动"
	fmtSignupHint = "回复\"报名 %s\""
	footer        = "回复“本月活动”随时查看，回复“全年安排”查看全年计划。"

	fmtMonthHead  = "%d年%d月的工会活动："
	msgMonthEmpty = "%d年%d月暂无工会活动安排。回复“全年安排”查看全年计划。"
	fmtYearHead   = "%d年工会工作安排："
	msgYearEmpty  = "%d年的工作计划还没有导入。请工会管理员在管理后台导入年度工作计划。"
)

const (
	msgYearUsage      = "请这样查询：全年安排，或 全年安排 2027。"
	msgPreviewNotSent = "（预览，本月公告尚未发送。回复“发送本月公告”可立即发送。）"
	msgConfirmSend    = "以上是本月公告，将发给全体会员。确认发送请回复“确认”，放弃请回复“取消”。"
	msgConfirmAgain   = "请回复“确认”发送本月公告，或回复“取消”放弃。"
	msgSent           = "%d年%d月的公告已排入发送队列（%d 条消息，%s）。发送结果可在管理后台的公告记录中查看。"
)

const (
	msgNoTitle         = "活动名称不能为空。"
	msgBadDay          = "日期 %d 不对，应为 1 到 31，不知道具体日期可以不填。"
	msgBadItemAudience = "参加对象“%s”不对：可写 all、tag:标签名 或 department:部门名。"
)
