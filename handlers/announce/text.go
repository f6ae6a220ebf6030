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
	fmtSignupHint = "回复“报名 %s”"
	footer        = "回复“本月活动”随时查看，回复“全年安排”查看全年计划。"

	markChanged   = "（有变动）"
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

// Why a line of a plan is in no month (Plan.Unplaced), and what the import
// says about files it cannot read.
const (
	reasonFurniture = "网页上的网站内容（导航、下载提示、推荐等），已略去"
	reasonPart      = "合集中一篇计划的标题"
	reasonTitle     = "工作安排的标题"
	reasonProse     = "计划正文，不在按月安排中"
	reasonChapter   = "章节标题，按月安排到此结束"
	reasonAfter     = "按月安排之后的正文，没有编号也没有日期"
	reasonDuplicate = "与同月已有的事项重复"
	reasonEmpty     = "只有编号，没有内容"
	reasonHeader    = "表格的标题行"
	reasonNoMonth   = "表格中这一行看不出是哪个月"
	reasonEmptyRow  = "表格中这一行没有工作内容"

	msgPreamble        = "（合集开头）"
	msgPickPart        = "这份文本是 %d 篇计划的合集，请选一篇导入：%s。"
	msgNoSuchPart      = "没有第 %d 篇：这份文本共 %d 篇。"
	msgPartEmpty       = "第 %d 篇没有按月的工作安排，请选另一篇。"
	msgOldWord         = "这是旧版 Word（.doc）、WPS（.wps）或 RTF 文件，无法直接读取。请在 Word 或 WPS 中“另存为”.docx 后再导入，或把计划全文复制粘贴进来。"
	msgPDF             = "PDF 文件无法直接读取。请用 Word 或 WPS 打开原文档“另存为”.docx 后再导入，或把计划全文复制粘贴进来。"
	msgBadDocx         = "这个文件不是有效的 Word（.docx）文档，可能已损坏。请在 Word 或 WPS 中重新“另存为”.docx，或把计划全文复制粘贴进来。"
	msgDocxTooLarge    = "这个 Word 文档太大，无法读取。请只保留工作计划部分后再导入。"
	msgUnknownEncoding = "无法识别文件的文字编码（支持 Word .docx，以及 UTF-8、UTF-16、GBK/GB18030 编码的文本）。请另存为 .docx 或 UTF-8 文本后再导入。"
)

// Refusals the calendar's store reports, worded here.
const (
	msgImportBusy  = "另一次导入正在进行，请稍后再试。"
	msgAlreadySent = "这个月的公告已经发送过了。"
	msgNotSent     = "这个月的公告还没有发送。"
)

// MsgImportBusy, MsgAlreadySent and MsgNotSent are the sentences of the
// store's conflicts and misses.
func MsgImportBusy() string  { return msgImportBusy }
func MsgAlreadySent() string { return msgAlreadySent }
func MsgNotSent() string     { return msgNotSent }

// MsgWeComOff is why the announcement cannot be sent without WeCom.
const MsgWeComOff = "企业微信还没有配置（WECOM_CORP_ID、WECOM_AGENT_ID、WECOM_SECRET），公告发不出去。配置好后再发送；这个月的公告不会因此算作已发送。"

// Cards (UNIONBOT_ANNOUNCE_FORMAT=card).
const (
	txtCardSource  = "工会通知"
	titleBroadcast = "工会通知"
)
