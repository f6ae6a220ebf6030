package proposal

// Reply texts, in one place so the union can reword them.
const (
	txtIntro          = "好的，我们来填写%s，一次问一项。随时可以回复“上一步”返回、“修改 内容”改某一项、“取消”放弃。也可以一次写全，如“标题：… 内容：… 措施：…”。"
	txtEmpty          = "“%s”不能为空，请重新回复。"
	txtOverLimit      = "“%s”最多 %d 个字，您写了 %d 个字，请精简后重新回复。"
	txtBadCategory    = "类别只能选：%s（也可以回复数字）。请重新回复。"
	txtBadYesNo       = "请回复“是”（匿名）或“否”（署名）。"
	txtFewSeconders   = "教代会提案至少要 %d 位附议人，请写出他们的姓名或工号，用空格或顿号分开。"
	txtManySeconders  = "附议人最多写 10 位，请重新回复。"
	txtSelfSecond     = "附议人不能是您自己，请重新回复名单。"
	txtTwice          = "“%s”写了两次，请重新回复名单。"
	txtCurrent        = "“%s”现在是：%s\n回复新内容修改，或回复“不变”保留。\n"
	txtFirstStep      = "已经是第一项了。"
	txtNoSuchField    = "没有“%s”这一项，可以修改的是：%s。"
	txtPreviewHead    = "请核对您的%s："
	txtPreviewFoot    = "无误请回复“确认提交”；要改某一项请回复“修改 内容”这样的话；“上一步”返回；“取消”放弃。"
	txtFormKept       = "\n您填写的内容已保留，稍后回复“确认提交”即可。"
	txtDailyLimit     = "每人每天最多提交 %d 条建议或提案，今天已达上限，请明天再提交。"
	txtNoSession      = "现在不在教代会提案征集期内，暂不受理提案。日常意见可以发送“提建议”提交合理化建议。"
	txtSuggestionDone = "已提交，编号 %s。%s工会将在审查、立案、交办、答复各环节通知您。发送“查询 %s”可随时查看进度。"
	txtAnonNote       = "本条为匿名建议，工会办理人员看不到您的姓名。"
	txtMotionDone     = "提案已登记，编号 %s（%s）。已邀请 %s 附议，须在 %d 天内有 %d 人附议后才正式提交，结果会通知您。发送“查询 %s”查看进度。"

	txtStepHead      = "您的%kind %no“%title”"
	txtStepReviewing = "已进入审查。"
	txtStepAccepted  = "已立案，将交有关部门办理。"
	txtStepRejected  = "经审查不予立案。理由：%note"
	txtStepConverted = "经审查转为合理化建议办理。"
	txtStepAssigned  = "已交%dept办理。"
	txtStepReplied   = "已答复：\n%note\n\n请评价办理结果：回复“满意”“基本满意”或“不满意”（如有多条，请加编号，如“满意 %no”）。"
	txtStepClosed    = "已办结，感谢您的参与。"

	txtInviteSecond    = "%s 在“%s”征集期提交了提案 %s“%s”，邀请您作为附议人。\n理由：%s\n同意请于 %s 前回复“附议 %s”，不同意请回复“不附议 %s”。"
	txtNewForAdmins    = "新的%s %s“%s”（%s），发送“待办建议”查看。"
	txtNotSeconder     = "您不是 %s 的附议人。"
	txtSecondDone      = "您对 %s 已回复过（%s），该提案现在是“%s”。"
	txtSecondLate      = "%s 的附议期已过（现在是“%s”），不能再回复。"
	txtSecondAnswer    = "%s %s您的提案 %s“%s”，已附议 %d 人（需 %d 人）。"
	txtSecondEnough    = "附议人数已满，提案 %s 已正式提交。"
	txtSecondShort     = "剩下的附议人不足 %d 人，本提案未能提交。可以修改后重新发送“提案”。"
	txtLapsed          = "您的提案 %s“%s”在 %d 天内只有 %d 人附议（需 %d 人），未能提交。可以另找附议人后重新发送“提案”。"
	txtSeconded        = "已附议 %s“%s”（提案人 %s）。提案的进展会通知您。"
	txtNotSeconded     = "已回复不附议 %s“%s”（提案人 %s）。"
	txtNoSecondInvites = "您没有待回复的附议邀请。"
	txtWhichSecond     = "您有几条待回复的附议邀请：%s。请加上编号，如“%s %s”。"

	txtBadSatisfaction = "请回复“满意”“基本满意”或“不满意”。"
	txtNotYours        = "%s 不是您提交的，不能评价。"
	txtNotReplied      = "%s 现在是“%s”，答复后才能评价。"
	txtNothingToRate   = "您没有待评价的建议或提案。"
	txtWhichRate       = "您有几条待评价：%s。请加上编号，如“满意 %s”。"
	txtRated           = "已记录您对 %s 的评价：%s。谢谢！"
	txtRatedBad        = "已记录您对 %s 的评价：不满意。工会将再次跟进，并与您联系。"
	txtUnsatisfied     = "%s“%s”的提交人对答复不满意，请跟进（可“办理 编号 已交办 部门 说明”重新交办）。"

	txtNoneYet   = "您还没有提交过建议或提案。发送“提建议”提交合理化建议。"
	txtMineHead  = "您的建议和提案（最新在前）："
	txtMineFoot  = "发送“查询 编号”查看详情和办理记录。"
	txtNotFound  = "没有找到编号为 %s 的建议或提案，或者您无权查看。"
	txtNoPending = "没有待办的建议或提案。"

	txtPendingHead = "待办建议和提案 %d 条（最早在前）："
	txtPendingFoot = "办理：“办理 编号 审查中”“办理 编号 已交办 部门 说明”“回复 编号 答复内容”“办理 编号 不予立案 理由”。"
	txtAnswerUsage = "用法：回复 JY-2026-0001 答复内容"
	txtHandleUsage = "用法：办理 编号 状态 [承办部门] [说明]，如“办理 JY-2026-0001 已交办 总务处 请两周内答复”。状态：审查中/立案/不予立案/转为建议/已交办/已答复/已办结。"
	txtMoved       = "%s 已改为“%s”，已通知提交人。下一步可改为：%s"

	txtUnknownStatus  = "没有“%s”这个状态，可以用：%s。"
	txtNoMoves        = "%s 已是“%s”，不能再改状态。"
	txtIllegalMove    = "%s 现在是“%s”，不能改为“%s”；下一步只能是：%s。"
	txtNeedReason     = "不予立案须写明理由（note）。"
	txtNeedDepartment = "交办须写明承办部门（department）。"
	txtNeedReply      = "答复须写明答复内容（note）。"
	txtTooLong        = "%s最多 %d 个字。"

	txtBadWindow    = "征集截止时间须晚于开始时间。"
	txtCollectUsage = "开启提案征集：提案征集 会议名称 截止日期，如“提案征集 六届二次教代会 2026-12-31”。"
	txtCollecting   = "已开启“%s”提案征集，截止到 %s。教职工发送“提案”即可提交。"
	txtSessionOpen  = "“%s”正在征集提案，截止到 %s。"
)

// Sentences of the store's misses and clashes.
const (
	txtNoProposal  = "没有找到这条建议或提案。"
	txtNumberClash = "编号冲突，请重新提交。"
)

// MsgNotFound and MsgNumberClash word the store's refusals.
func MsgNotFound() string    { return txtNoProposal }
func MsgNumberClash() string { return txtNumberClash }

// Cards (WeCom template cards) and their taps.
const (
	txtCardSource   = "工会建议与提案"
	txtCardStale    = "已失效"
	txtCardPickOne  = "请先选择“满意”“基本满意”或“不满意”中的一项，再点“提交评价”。"
	txtRatedAlready = "您已评价过 %s（%s），谢谢！如需补充意见，请回复“查询 %[1]s”后联系工会。"
)
