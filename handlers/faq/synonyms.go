package faq

import "sort"

// synonyms maps the ways teachers say a thing (simplified script) to the
// word the knowledge base uses. Applied to questions and entries alike,
// longest variant first, before segmentation.
var synonyms = map[string][]string{
	"体检":   {"身体检查", "健康检查", "检查身体", "查体", "健康体检"},
	"工会费":  {"会费", "工会会费"},
	"慰问":   {"看望", "探望", "探视", "慰问金", "慰问品"},
	"疗养":   {"休养", "疗休养", "疗休"},
	"入会":   {"加入工会", "入工会", "参加工会", "进工会"},
	"退会":   {"退出工会", "不想交会费"},
	"困难":   {"受灾", "遭灾", "因灾", "家庭困难", "生活困难", "经济困难", "家里困难", "撑不住", "开销太大", "经济压力", "负担太重", "吃不消", "帮一把", "撑不下去", "欠债", "欠了一屁股债", "还不上", "家里条件不好", "条件不好", "条件差", "日子难", "日子挺难", "日子很难", "日子不好过", "过不下去", "欠了好多", "欠了很多"},
	"困难补助": {"困难救助", "困难帮扶", "困难补贴", "帮扶金", "救助金", "困难金", "困难职工帮扶", "困难职工补助", "困难职工救助"},
	"生病":   {"住医院", "病了", "住院", "患病", "看病", "得病", "做手术", "手术", "开刀"},
	"大病":   {"生大病", "重病", "重大疾病", "癌症", "化疗", "白血病", "乳腺癌", "肺癌", "肿瘤"},
	"生孩子":  {"生娃", "生小孩", "生宝宝", "生育", "分娩", "坐月子", "生二胎", "生三胎", "生二孩", "生二宝", "二胎", "三胎"},
	"怀孕":   {"孕期", "有身孕", "怀娃", "怀二胎", "怀三胎", "怀宝宝", "怀上了", "怀了孕"},
	"结婚":   {"婚礼", "领证", "结婚证", "办喜事", "新婚", "成家"},
	"去世":   {"过世", "去逝", "丧事", "病故", "逝世", "丧葬", "过身"},
	"生日":   {"过生日", "生日蛋糕", "生日卡", "大寿", "过寿", "做寿"},
	"教代会":  {"教职工代表大会", "职代会", "教代会代表"},
	"提案":   {"议案", "建议案"},
	"提建议":  {"提意见", "反映意见"},
	"女职工":  {"女教职工", "女教师", "女老师", "女同志"},
	"法律援助": {"打官司", "律师", "法律咨询", "法援", "维权"},
	"活动":   {"文体活动", "比赛", "运动会", "兴趣小组"},
	"送温暖":  {"春节慰问", "两节慰问", "过年慰问"},
	"退休":   {"退休了", "离退休", "荣休"},
	"福利":   {"节日福利", "过节费", "发东西"},
	"报销":   {"报账", "发票"},
	"怎么办":  {"咋办", "怎么弄", "咋弄", "如何办"},
	"多少钱":  {"几块钱", "金额"},
	"申请":   {"申报", "办理"},
	"联系":   {"找谁", "联系人", "电话"},
	"时间":   {"什么时候", "啥时候", "几时", "何时", "哪天", "几号", "几月份", "几月"},
	// The ACFTU's name for a workplace lactation room is 爱心妈咪小屋.
	"哺乳室":  {"母婴室", "爱心妈咪小屋", "妈咪小屋", "母婴休息室", "喂奶的地方"},
	"心理":   {"压力大", "压力", "焦虑", "失眠", "睡不着", "抑郁", "情绪低落", "心情不好", "憋屈", "心里难受", "找人说说", "找人聊聊", "倾诉", "想不开", "郁闷", "心里烦", "心烦", "烦躁"},
	"会籍":   {"工会关系", "会员关系", "组织关系"},
	"调动":   {"调走", "调离", "调出", "调入", "调来", "调过来", "调到别的学校", "调到外校", "调去别的学校", "换学校", "转接"},
	"工资":   {"薪水", "薪资", "月薪", "工资条", "工资卡"},
	"劳动争议": {"劳动纠纷", "劳资纠纷", "辞退", "解聘", "开除", "不续签", "不要我了", "被裁", "不续了", "不续约", "不给补偿"},
	"三八节":  {"妇女节", "三八妇女节", "女神节"},
	"两癌筛查": {"两癌检查", "宫颈癌筛查", "hpv", "tct"},
	"职工之家": {"教工之家", "教职工之家", "职工小家", "活动室", "工会活动室", "职工活动室"},
	"二次报销": {"再报销", "还能再报", "再报一点", "再报一些", "自费部分报销"},
}

var synonymReplacer = newReplacer(synonymArgs()...)

// synonymArgs are the synonym table as old, new pairs for a replacer.
func synonymArgs() []string {
	type pair struct{ from, to string }
	var pairs []pair
	for canon, vs := range synonyms {
		pairs = append(pairs, pair{canon, canon}) // so 工会费 is not read as 工+会费
		for _, v := range vs {
			pairs = append(pairs, pair{v, canon})
		}
	}
	// The replacer tries old strings in argument order at each position,
	// so the longest variant must come first.
	sort.Slice(pairs, func(i, j int) bool {
		if len(pairs[i].from) != len(pairs[j].from) {
			return len(pairs[i].from) > len(pairs[j].from)
		}
		return pairs[i].from < pairs[j].from
	})
	var args []string
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	return args
}

// colloquial maps the spoken forms teachers type to the standard written
// ones, applied (longest first) to questions and entries alike before the
// synonym table, so 有啥表示 meets 有什么慰问 and 多钱 meets 多少钱.
var colloquial = map[string]string{
	"啥": "什么", "咋": "怎么", "咋整": "怎么办", "咋办": "怎么办", "咋弄": "怎么办", "啥时候": "什么时候",
	"多钱": "多少钱", "几块钱": "多少钱", "几个钱": "多少钱", "多会儿": "什么时候", "哪儿": "哪里", "在哪儿": "在哪里",
	"有什么表示": "有什么慰问", "有啥表示": "有什么慰问", "啥表示": "慰问", "表示表示": "慰问",
	"娃": "孩子", "生娃": "生孩子", "小孩": "孩子", "宝宝": "孩子",
	"老人走了": "老人去世", "走了": "去世", "没了": "去世", "老人": "亲属", "父母": "亲属", "父亲": "亲属", "母亲": "亲属",
	"爸爸": "亲属", "妈妈": "亲属", "老爸": "亲属", "老妈": "亲属", "公婆": "亲属", "岳父": "亲属", "岳母": "亲属",
	"过节": "节日", "逢年过节": "节日", "过年": "春节节日", "遭灾": "受灾", "遭了灾": "受灾", "家里出事": "家庭困难",
	"不咯": "", "行不": "", "算不算": "算", "管不管": "管",
	"入工会": "入会", "进工会": "入会", "喂奶": "哺乳", "挤奶": "哺乳", "吸奶": "哺乳", "背奶": "哺乳",
	"有冇": "有没有", "冇": "没",
	"工会的钱": "工会经费", "过节的东西": "节日慰问品",
	// Pinyin input's near misses on the words asked most.
	"体捡": "体检", "会废": "会费", "羽毛求": "羽毛球", "发漂": "发票",
}

var colloquialReplacer = newReplacer(colloquialArgs()...)

// colloquialArgs are the colloquial table as old, new pairs for a
// replacer, longest first.
func colloquialArgs() []string {
	var froms []string
	for f := range colloquial {
		froms = append(froms, f)
	}
	sort.Slice(froms, func(i, j int) bool {
		if len(froms[i]) != len(froms[j]) {
			return len(froms[i]) > len(froms[j])
		}
		return froms[i] < froms[j]
	})
	var args []string
	for _, f := range froms {
		args = append(args, f, colloquial[f])
	}
	return args
}

func normalizeSynonyms(s string) string {
	return synonymReplacer.Replace(colloquialReplacer.Replace(s))
}

// stopWords are the words of asking, not of the matter asked about.
var stopWords = setOf("的", "了", "吗", "呢", "啊", "呀", "吧", "么", "嘛", "哦", "哈", "是", "我", "我们", "你", "你们", "咱们",
	"请问", "请", "问", "问一下", "想问", "想", "要", "能", "能不能", "可以", "可不可以", "会", "有", "有没有", "没有", "什么",
	"怎么", "怎样", "怎么样", "如何", "哪里", "哪儿", "在哪", "谁", "吗？", "一下", "一个", "这个", "那个", "就", "都", "也",
	"还", "和", "跟", "与", "或", "在", "给", "对", "把", "被", "老师", "学校", "咱", "该", "应该", "需要", "得", "着", "过",
	"下", "上", "去", "来", "那", "这", "些", "多", "么样", "不", "没", "咋", "啥", "为什么", "现在", "今年", "个", "到", "里", "由", "随", "从", "向", "于", "以", "及", "等", "为", "其", "多少", "几", "哪些", "吗？", "不不", "嘛")

// stopChars are characters whose bigrams carry nothing (两个都在此集合时跳过).
const stopChars = "的了吗呢啊呀吧么嘛哦哈是我你们请问想要能可以会有没什怎样如何哪里谁一下个这那就都也还和在给对把被该得着过去来不咋啥里由随从向于以及等为其"

// stopCharSet is stopChars as one bit a character of the CJK block (all of
// them are in it): Terms asks about every character of a question, and a
// bit is cheaper to read than a map.
var stopCharSet = func() (set [(0x9FFF - 0x4E00 + 64) / 64]uint64) {
	for _, r := range stopChars {
		if r < 0x4E00 || r > 0x9FFF {
			panic("stop character outside the CJK block: " + string(r))
		}
		set[(r-0x4E00)/64] |= 1 << ((r - 0x4E00) % 64)
	}
	return set
}()

// isStopChar reports whether r is one of stopChars.
func isStopChar(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF && stopCharSet[(r-0x4E00)/64]&(1<<((r-0x4E00)%64)) != 0
}

func setOf(ws ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range ws {
		m[w] = true
	}
	return m
}
