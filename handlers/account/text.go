package account

// What teachers read about linking a 公众号 to WeCom.
const (
	txtStartFromWeCom = "请在企业微信里发送“绑定公众号”获取绑定码，再回到公众号发送“绑定 绑定码”。"
	txtConfirmInOA    = "请在工会公众号里发送“绑定 绑定码”完成绑定；还没有绑定码请先在这里发送“绑定公众号”。"
	txtBadCode        = "绑定码不对或已过期（10分钟内有效）。请在企业微信里重新发送“绑定公众号”获取新的绑定码。"
	txtLinkToWeCom    = "只能绑定到企业微信成员的账号。"
	txtNoLink         = "您还没有绑定公众号。"
	txtCodeFmt        = "您的绑定码是 %s，10分钟内有效。\n请在工会公众号里发送：绑定 %s\n绑定后，在公众号里报名、提建议都算在您（%s）名下；管理功能仍只能在企业微信里使用。"
	txtLinkedFmt      = "绑定成功！公众号已与企业微信账号 %s 绑定，报名、建议等都算在您名下。发送“解除绑定”可随时解除。"
	txtUnlinked       = "已解除公众号与企业微信账号的绑定。"
	txtAskCode        = "请在“绑定”后面写上企业微信给您的6位绑定码，例如：绑定 123456"
)
