package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/silenceper/wechat/v2/util"
)

// APIBase is WeCom's server API. Requests go through silenceper/wechat's
// util.DefaultHTTPClient, whose transport InstallHTTPClient points at a
// fake WeCom in tests and staging.
const APIBase = "https://qyapi.weixin.qq.com/cgi-bin/"

// APIStatus is the errcode and errmsg every WeCom answer carries.
type APIStatus struct {
	ErrCode int64  `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (s *APIStatus) Status() *APIStatus { return s }

// APIAnswer is a decoded answer of WeCom's or the Official Account's API.
type APIAnswer interface{ Status() *APIStatus }

func call(ctx context.Context, path string, q url.Values, body any, out APIAnswer) error {
	return CallAPI(ctx, APIBase, path, q, body, out)
}

// CallAPI sends one request to path under base with query q (and the body
// as JSON when not nil), decodes the answer into out and turns a non-zero
// errcode into *util.CommonError. Errors never include the URL: it carries
// the access token or the robot key. The Official Account's API (same
// conventions, another host) is called through it too.
func CallAPI(ctx context.Context, base, path string, q url.Values, body any, out APIAnswer) error {
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		method, rd = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path+"?"+q.Encode(), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	res, err := util.DefaultHTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapURL(err))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 8<<20)).Decode(out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if st := out.Status(); st.ErrCode != 0 {
		return util.NewCommonError(path, st.ErrCode, st.ErrMsg)
	}
	return nil
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// callWithToken is call with the access token, refreshed once when WeCom
// says it is invalid or expired (the SDK's own handle never refreshes early).
func (c *Client) callWithToken(ctx context.Context, path string, q url.Values, body any, out APIAnswer) error {
	do := func() error {
		tok, err := c.token.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		qq := url.Values{"access_token": {tok}}
		for k, v := range q {
			qq[k] = v
		}
		return call(ctx, path, qq, body, out)
	}
	err := do()
	if code := errCode(err); code == CodeInvalidToken || code == CodeTokenExpired || code == CodeInvalidCredential {
		c.logger().InfoContext(ctx, "wecom token rejected; refreshing", "errcode", code)
		c.token.Invalidate()
		err = do()
	}
	return classify(err)
}
