package announce

// Reply, announcement and error texts, in one place so the union can reword
// them without reading the logic.
const (
	msgNoSchedule = "没有在文本中找到按月的工作安排（如“三月份：”“七至八月份”后列出的事项），请确认粘贴的是含“具体工作安排”或“各月工作安排”的工作计划全文。"
	msgBadYear    = "年份 %d 不对，请写四位数的年份，如 2026。"
	msgLongItem   = "事项“%s”过长，已截断。"
	msgJoined     = "“%s”没有编号，已接在上一项后面。"
	msgEmptyMonth = "%d年%d月的标题下没有列出事项。"
)
