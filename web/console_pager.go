package web

import (
	"net/url"
	"strconv"
)

// PageSize is how many rows a console list shows at a time.
const PageSize = 100

// pager is one page of a long console list and the links around it.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // links, "" at either end
}

// paginate cuts list to the page the request asks for (?param=, 1-based),
// keeping the other query parameters in the links.
func paginate[T any](list []T, q url.Values, param string, per int) ([]T, pager) {
	n := len(list)
	pages := max((n+per-1)/per, 1)
	page, _ := strconv.Atoi(q.Get(param))
	page = min(max(page, 1), pages)
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set(param, strconv.Itoa(p))
		return "?" + v.Encode()
	}
	pg := pager{Page: page, Pages: pages, Total: n}
	if page > 1 {
		pg.Prev = link(page - 1)
	}
	if page < pages {
		pg.Next = link(page + 1)
	}
	lo, hi := (page-1)*per, min(page*per, n)
	return list[lo:hi], pg
}
