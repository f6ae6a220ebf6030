package bot

// Why a notice waits, as the console shows it (the expected time is shown
// beside it).
const (
	txtWaitQuiet        = "群发避开整点和半点前后 %d 秒（企业微信的要求）"
	txtWaitDaily        = "今日发送额度已用 %d / %d 人次，这条需要 %d 人次，明天 0 点后继续发送"
	txtWaitAPI          = "消息接口每分钟最多调用 %d 次，已用完，下一分钟继续"
	txtWaitMemberMinute = "%s 一分钟内最多收 %d 条应用消息，已满"
	txtWaitMemberHour   = "%s 一小时内最多收 %d 条应用消息，已满"
	txtSomeMember       = "有成员"
	txtWaitOrder        = "等待发给同一成员的前一条通知先送达（保持先后顺序）"
	txtWaitRetry        = "企业微信返回错误码 %d（%s），稍后自动重试"
	txtWaitFailed       = "上次发送失败，稍后自动重试"
)

// quotaCodeText names WeCom's rate-limit error codes.
func quotaCodeText(code int) string {
	switch code {
	case 45009:
		return "接口调用频率超限"
	case 45033:
		return "接口并发调用超限"
	case 45047:
		return "发给单个成员的消息太多"
	}
	return "发送受限"
}
