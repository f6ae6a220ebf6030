package wecom

import "context"

// CheckToken reports whether the client holds a valid access token: the
// cached one counts, else gettoken is asked for a fresh one (which is then
// cached for the sends). /readyz calls it; an error carries WeCom's
// errcode (40001: a wrong WECOM_SECRET, 40013: a wrong WECOM_CORP_ID).
func (c *Client) CheckToken(ctx context.Context) error {
	_, err := c.token.GetAccessTokenContext(ctx) // errors never carry the URL (the secret)
	return err
}
