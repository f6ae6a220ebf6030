package signup

// Reply texts, in one place so the union can reword them.
const (
	txtNoEvents      = "目前没有正在报名的活动。"
	txtListHead      = "正在报名的活动（回复“报名 编号”报名）："
	txtWhich         = "请说要报名哪个活动，例如“报名 1”或“报名 羽毛球”。发送“活动”查看列表。"
	txtNoMatch       = "没有找到名称含“%s”的正在报名的活动，发送“活动”查看列表。"
	txtAmbiguous     = "有几个活动都符合“%s”，请回复编号：\n%s"
	txtConfirmed     = "报名成功：“%s”，%s。"
	txtWaiting       = "“%s”名额已满，您已进入候补第 %d 位，有人取消时会按顺序通知您。"
	txtNotOpenYet    = "“%s”还没开始报名，报名从 %s 开始。"
	txtClosed        = "“%s”报名已截止。"
	txtNotEligible   = "“%s”只限 %s 报名，您不在范围内。"
	txtCancelled     = "已取消“%s”的报名。"
	txtPastDeadline  = "“%s”已过取消截止时间（%s），如需取消请联系工会。"
	txtPromoted      = "好消息：您候补的“%s”有名额了，已为您转为正式报名。%s"
	txtNoEntries     = "您还没有报名任何活动。发送“活动”查看正在报名的活动。"
	txtMyHead        = "您的报名："
	txtCheckedIn     = "签到成功：“%s”，欢迎！"
	txtNotEventDay   = "“%s”的签到只在活动当天（%s）开放。"
	txtAskField      = "请填写“%s”%s："
	txtBadOption     = "“%s”只能选：%s。请重新回复。"
	txtAskCompanions = "是否携带家属？请回复人数（0 到 %d）："
	txtBadCompanions = "家属人数请回复 0 到 %d 之间的数字。"
	txtAlready       = "您已经报名了“%s”，发送“我的报名”查看。"
	txtReminder      = "提醒：您报名的“%s”将于 %s 开始%s。如不能参加，请发送“取消报名”。"
	txtEventGone     = "活动“%s”已取消，报名作废。%s"
)
