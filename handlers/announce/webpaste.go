package announce

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Text pasted from a document-sharing site carries more than the plan: the
// site's navigation and download notices, teasers of related documents,
// several plans in one page (篇一, 【篇二】), and pinyin ruby after
// characters (聯(lián)誼會). These are what the parser takes off, and lists.

var (
	// siteLine is a whole short line of the site rather than of the plan.
	siteLine = regexp.MustCompile(`^(?:(?:当前位置|您的位置|你的位置|當前位置)\s*[:：].*|` +
		`合集下载|相关文档|最新文档|相关推荐|推荐阅读|热门文章|相关文章|精选文章|关闭|收藏|举报|分享到?(?:[:：].*)?|` +
		`点击下载|立即下载|免费下载|下载本文|下载文档|展开全文|阅读全文|查看更多|返回顶部|(?:上一篇|下一篇)[:：].*|` +
		`ID[:：]\s*\d+|(?:发布)?时间[:：]\s*\d{4}-\d{1,2}-\d{1,2}.*|上传者[:：].*|本文(?:由|来自|链接|地址).*|版权(?:所有|声明).*|Copyright.*)$`)
	// siteWords mark a line of the site wherever they are in it.
	siteWords = []string{"下载文档前请自行甄别", "仅部分预览", "如文档侵犯您的权益", "人工客服工作时间", "猜你喜欢", "猜你喜歡",
		"猜你可能喜欢", "小编整理", "小编带来", "小编为大家", "小编精心", "小编收集"}
	// breadcrumb is the site's path: 首页 > 范文 > 工作计划.
	breadcrumb = regexp.MustCompile(`(?:首页|首頁)\s*[>›»]`)
	// teaserEnds end the teaser of a related document (篇1:八一路小学工会干部
	// 常深入教职工之中……), a long line cut off.
	teaserEnds = []string{"....", "……", "。。。"}
	// partMarker opens one plan of a collection: 工会小组年度工作计划篇二,
	// 【篇一】, 篇三：…, 第二篇.
	partMarker = regexp.MustCompile(`^(?:【\s*篇[一二三四五六七八九十\d]+\s*】.{0,40}|第[一二三四五六七八九十\d]+篇|篇[一二三四五六七八九十\d]+(?:\s*[:：].{0,40})?|.{0,30}篇[一二三四五六七八九十\d]+)$`)
	// ruby is a parenthesised pinyin after a character: 聯(lián), 设(shè),
	// 谊（yi4）, 联(lián yì).
	ruby = regexp.MustCompile(`(\p{Han})\s?[(（]\s*([a-zA-Zü` + toneMarks + `]+[1-5]?(?:\s+[a-zA-Zü` + toneMarks + `]+[1-5]?)*)\s*[)）]`)
)

const toneMarks = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"

// furniture returns why s is the site's text, or "".
func furniture(s string) string {
	for _, w := range siteWords {
		if strings.Contains(s, w) {
			return reasonFurniture
		}
	}
	for _, e := range teaserEnds {
		if strings.HasSuffix(s, e) && utf8.RuneCountInString(s) >= 30 {
			return reasonFurniture // a short line may trail off in the plan itself
		}
	}
	if (strings.Contains(s, "首页") || strings.Contains(s, "首頁")) && breadcrumb.MatchString(s) {
		return reasonFurniture
	}
	if utf8.RuneCountInString(s) <= 80 && siteLine.MatchString(s) {
		return reasonFurniture
	}
	return ""
}

// isPartMarker reports whether s opens one plan of a collection.
func isPartMarker(s string) bool {
	return strings.Contains(s, "篇") && utf8.RuneCountInString(s) <= 60 && partMarker.MatchString(s)
}

// stripRuby removes pinyin written in parentheses after characters. Only a
// syllable with a tone mark or number counts, so (PPT) or (ok) stay.
func stripRuby(s string) string {
	if !strings.ContainsAny(s, "(（") {
		return s
	}
	return ruby.ReplaceAllStringFunc(s, func(m string) string {
		sub := ruby.FindStringSubmatch(m)
		for _, syl := range strings.Fields(sub[2]) {
			if !strings.ContainsAny(syl, toneMarks+"12345") {
				return m
			}
		}
		return sub[1]
	})
}

// cleanLine is a line as the parser reads it: full-width digits and spaces
// folded, ruby removed, trimmed.
func cleanLine(s string) string {
	return strings.TrimSpace(stripRuby(normalizeLine(s)))
}

// normalizeLine folds full-width digits and spaces and drops zero-width
// characters.
func normalizeLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000' || r == '\u00a0' || r == '\t':
			return ' '
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '\ufeff' || r == '\u200b' || r == '\r':
			return -1
		}
		return r
	}, s)
}
