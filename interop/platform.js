// Plays WeCom and the Official Account platform against a running unionbot
// with implementations nobody on the project wrote: Tencent's @wecom/crypto
// for WeCom callbacks, node-webot's wechat-crypto for the 公众号's safe and
// compatible modes, and node-webot's wechat middleware as a control server
// (every request we build must be one it accepts, and it shows what a
// server without our checks lets through).
//
// Run by cmd/unionbot's TestInterop, which starts the bot and checks the
// deliveries afterwards; the settings come from the environment.
'use strict';

const crypto = require('crypto');
const http = require('http');
const wecomCrypto = require('@wecom/crypto');
const WXBizMsgCrypt = require('wechat-crypto');
const wechat = require('wechat');

const env = (k) => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is not set`);
  return v;
};
const BOT = env('BOT_URL');
const LATE = env('LATE_URL');
const WECOM = { token: env('WECOM_TOKEN'), key: env('WECOM_AES_KEY'), corp: env('CORP_ID') };
const OA = { token: env('OA_TOKEN'), key: env('OA_AES_KEY'), appid: env('APP_ID'), original: env('OA_ORIGINAL') };
const EVENT = env('EVENT_TITLE');
const RETRY_EVENT = env('RETRY_EVENT');
const oaCrypt = new WXBizMsgCrypt(OA.token, OA.key, OA.appid);

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok ${passed + failed} - ${name}`);
  } else {
    failed++;
    console.log(`not ok ${passed + failed} - ${name}${detail ? ': ' + detail : ''}`);
  }
}

const now = () => Math.floor(Date.now() / 1000);
const nonce = () => crypto.randomBytes(6).toString('hex');
const msgId = () => BigInt('0x' + crypto.randomBytes(8).toString('hex')) >> 1n;
const cdata = (v) => `<![CDATA[${v}]]>`;
function field(xml, tag) {
  const m = new RegExp(`<${tag}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${tag}>`).exec(xml);
  return m ? (m[1] !== undefined ? m[1] : m[2]) : undefined;
}

async function send(url, body, method = 'POST') {
  const res = await fetch(url, { method, body: method === 'POST' ? body : undefined, headers: { 'Content-Type': 'text/xml' } });
  return { status: res.status, text: await res.text() };
}

// ---- WeCom, with Tencent's @wecom/crypto ----

function wecomText(user, text, id = msgId()) {
  return `<xml><ToUserName>${cdata(WECOM.corp)}</ToUserName><FromUserName>${cdata(user)}</FromUserName>` +
    `<CreateTime>${now()}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content>` +
    `<MsgId>${id}</MsgId><AgentID>1000002</AgentID></xml>`;
}
function wecomEvent(user, event, key = '') {
  return `<xml><ToUserName>${cdata(WECOM.corp)}</ToUserName><FromUserName>${cdata(user)}</FromUserName>` +
    `<CreateTime>${now()}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>` +
    `<EventKey>${cdata(key)}</EventKey><AgentID>1000002</AgentID></xml>`;
}
// wecomRequest seals plain as WeCom does and returns what it would post.
function wecomRequest(base, plain, ts = now()) {
  const random = crypto.randomBytes(16);
  const enc = wecomCrypto.encrypt(WECOM.key, plain, WECOM.corp, random);
  const n = nonce();
  const sig = wecomCrypto.getSignature(WECOM.token, String(ts), n, enc);
  const q = new URLSearchParams({ msg_signature: sig, timestamp: String(ts), nonce: n });
  const body = `<xml><ToUserName>${cdata(WECOM.corp)}</ToUserName><AgentID>${cdata('1000002')}</AgentID><Encrypt>${cdata(enc)}</Encrypt></xml>`;
  return { url: `${base}/wecom/callback?${q}`, body, random };
}
// wecomOpen checks the reply's signature and decrypts it with @wecom/crypto.
function wecomOpen(text) {
  if (!text) return { content: '' };
  const enc = field(text, 'Encrypt');
  const sig = wecomCrypto.getSignature(WECOM.token, field(text, 'TimeStamp'), field(text, 'Nonce'), enc);
  if (sig !== field(text, 'MsgSignature')) throw new Error('reply signature does not verify');
  const { message, id, random } = wecomCrypto.decrypt(WECOM.key, enc);
  if (id !== WECOM.corp) throw new Error(`reply sealed for ${id}`);
  return { content: field(message, 'Content') || '', xml: message, random };
}
async function wecomSay(base, user, text) {
  const r = wecomRequest(base, wecomText(user, text));
  const res = await send(r.url, r.body);
  return { ...res, ...(res.status === 200 ? wecomOpen(res.text) : { content: '' }), request: r };
}

// ---- the Official Account, with node-webot's wechat-crypto ----

function oaText(openid, text, id = msgId()) {
  return `<xml><ToUserName>${cdata(OA.original)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName>` +
    `<CreateTime>${now()}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content><MsgId>${id}</MsgId></xml>`;
}
function oaEvent(openid, event, key) {
  return `<xml><ToUserName>${cdata(OA.original)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName>` +
    `<CreateTime>${now()}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>` +
    (key === undefined ? '' : `<EventKey>${cdata(key)}</EventKey>`) + `</xml>`;
}
function plainSignature(ts, n) {
  // wechat-crypto's getSignature with an empty message is sha1 of the
  // sorted token, timestamp and nonce: the plain-mode signature.
  return oaCrypt.getSignature(String(ts), n, '');
}
// oaRequest builds what the platform posts in mode plain, compat or safe.
function oaRequest(base, plain, mode, ts = now(), tamper) {
  const n = nonce();
  const q = new URLSearchParams({ signature: plainSignature(ts, n), timestamp: String(ts), nonce: n, openid: field(plain, 'FromUserName') });
  if (mode === 'plain') return { url: `${base}?${q}`, body: plain, path: q };
  const enc = oaCrypt.encrypt(plain);
  q.set('encrypt_type', 'aes');
  q.set('msg_signature', oaCrypt.getSignature(String(ts), n, enc));
  let body = `<xml><ToUserName>${cdata(OA.original)}</ToUserName><Encrypt>${cdata(enc)}</Encrypt></xml>`;
  if (mode === 'compat') body = (tamper || plain).replace('</xml>', `<Encrypt>${cdata(enc)}</Encrypt></xml>`);
  return { url: `${base}?${q}`, body, enc };
}
function oaOpen(text) {
  if (text === '' || text === 'success') return { content: '', nothing: true };
  const enc = field(text, 'Encrypt');
  if (enc === undefined) return { content: field(text, 'Content') || '', xml: text };
  const sig = oaCrypt.getSignature(field(text, 'TimeStamp'), field(text, 'Nonce'), enc);
  if (sig !== field(text, 'MsgSignature')) throw new Error('reply signature does not verify');
  const { message, id } = oaCrypt.decrypt(enc);
  if (id !== OA.appid) throw new Error(`reply sealed for ${id}`);
  return { content: field(message, 'Content') || '', xml: message, enc };
}
async function oaSay(base, plain, mode = 'safe') {
  const r = oaRequest(base + '/wechat/callback', plain, mode);
  const res = await send(r.url, r.body);
  return { ...res, ...(res.status === 200 ? oaOpen(res.text) : { content: '' }), request: r };
}

// The control: node-webot's wechat middleware with the same account.
function startControl() {
  const mw = wechat({ token: OA.token, appid: OA.appid, encodingAESKey: OA.key, checkSignature: true }, (req, res) => {
    const m = req.weixin;
    res.reply('control:' + (m.Content || m.Event));
  });
  const srv = http.createServer((req, res) => {
    req.query = Object.fromEntries(new URL(req.url, 'http://control').searchParams);
    mw(req, res, (err) => { res.writeHead(500); res.end(String(err)); });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

const firstBlock = (b64) => Buffer.from(b64, 'base64').subarray(0, 16).toString('hex');

async function main() {
  const control = await startControl();
  const CONTROL = `http://127.0.0.1:${control.address().port}`;

  // WeCom: URL verification.
  {
    const echo = 'echo-' + nonce();
    const enc = wecomCrypto.encrypt(WECOM.key, echo, WECOM.corp);
    const ts = String(now()), n = nonce();
    const q = new URLSearchParams({ msg_signature: wecomCrypto.getSignature(WECOM.token, ts, n, enc), timestamp: ts, nonce: n, echostr: enc });
    const res = await send(`${BOT}/wecom/callback?${q}`, undefined, 'GET');
    check('wecom: URL verification echoes the decrypted echostr', res.status === 200 && res.text === echo, `${res.status} ${res.text}`);
  }
  // WeCom: text, events, traditional, fresh random.
  {
    const r = await wecomSay(BOT, 'iw_text', '帮助');
    check('wecom: text 帮助 answered with the menu', r.status === 200 && r.content.includes('报名'), r.content);
    check('wecom: reply random differs from the request random', r.random && !r.random.equals(r.request.random));
    const t = await wecomSay(BOT, 'iw_trad', '幫助');
    check('wecom: traditional 幫助 answered in traditional', t.content.includes('報名'), t.content);
    let req = wecomRequest(BOT, wecomEvent('iw_ev', 'enter_agent'));
    let res = await send(req.url, req.body);
    check('wecom: enter_agent greets', res.status === 200 && wecomOpen(res.text).content.includes('欢迎'), res.text);
    req = wecomRequest(BOT, wecomEvent('iw_ev', 'click', '帮助'));
    res = await send(req.url, req.body);
    check('wecom: click event runs its key', res.status === 200 && wecomOpen(res.text).content.includes('报名'), res.text);
    req = wecomRequest(BOT, wecomEvent('iw_ev', 'view', 'https://example.org/'));
    res = await send(req.url, req.body);
    check('wecom: an event with nothing to say gets an empty 200', res.status === 200 && res.text === '', `${res.status} ${res.text}`);
  }
  // WeCom: a retry of the same message three times, processed once.
  {
    const plain = wecomText('iw_retry', '绑定公众号');
    const r = wecomRequest(BOT, plain);
    const replies = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(r.url, r.body);
      replies.push(res.status === 200 ? wecomOpen(res.text).content : `status ${res.status}`);
    }
    check('wecom: a retried MsgId gets the same reply three times (processed once)',
      replies[0].includes('绑定码') && replies.every((x) => x === replies[0]), JSON.stringify(replies));
    const again = await wecomSay(BOT, 'iw_retry', '绑定公众号');
    check('wecom: a new message is processed anew (a new code)', again.content.includes('绑定码') && again.content !== replies[0]);
  }
  // WeCom: forged, stale and replayed requests.
  {
    const r = wecomRequest(BOT, wecomText('admin01', '发布活动'));
    const bad = r.url.replace(/msg_signature=[0-9a-f]+/, 'msg_signature=' + '0'.repeat(40));
    check('wecom: a bad signature is refused', (await send(bad, r.body)).status === 403);
    const stale = wecomRequest(BOT, wecomText('iw_old', '帮助'), now() - 400);
    check('wecom: a timestamp 400 s old is refused', (await send(stale.url, stale.body)).status === 400);
    const captured = wecomRequest(BOT, wecomText('iw_replay', '帮助'), now() - 60);
    const first = await send(captured.url, captured.body);
    const replay = await send(captured.url, captured.body);
    check('wecom: a captured request replayed a minute later is refused', first.status === 200 && replay.status === 409, `${first.status} ${replay.status}`);
  }

  // The 公众号: URL verification (plain signature, echostr back as is).
  {
    const ts = String(now()), n = nonce();
    const q = new URLSearchParams({ signature: plainSignature(ts, n), timestamp: ts, nonce: n, echostr: 'oa-echo-42' });
    const res = await send(`${BOT}/wechat/callback?${q}`, undefined, 'GET');
    check('oa: URL verification echoes echostr', res.status === 200 && res.text === 'oa-echo-42', `${res.status} ${res.text}`);
    const ctl = await send(`${CONTROL}/?${q}`, undefined, 'GET');
    check('oa control: node-webot accepts the same verification', ctl.status === 200 && ctl.text === 'oa-echo-42');
  }
  // The 公众号: safe and compatible mode, events in the platform's case.
  for (const mode of ['safe', 'compat']) {
    const plain = oaText('o_interop_' + mode, '我是谁');
    const r = await oaSay(BOT, plain, mode);
    check(`oa ${mode}: text answered, encrypted for our app id`, r.status === 200 && r.content.includes('oa:o_interop_' + mode) && r.enc, `${r.status} ${r.text}`);
    check(`oa ${mode}: reply XML in the documented shape`, field(r.xml || '', 'ToUserName') === 'o_interop_' + mode &&
      field(r.xml || '', 'FromUserName') === OA.original && field(r.xml || '', 'MsgType') === 'text' && /^\d+$/.test(field(r.xml || '', 'CreateTime') || ''));
    check(`oa ${mode}: the reply's first cipher block is not the request's`, r.enc && firstBlock(r.enc) !== firstBlock(r.request.enc));
    const cr = oaRequest(CONTROL + '/', plain, mode);
    const ctl = await send(cr.url, cr.body);
    check(`oa ${mode} control: node-webot accepts the request we built`, ctl.status === 200 && oaOpen(ctl.text).content === 'control:我是谁', `${ctl.status} ${ctl.text}`);
  }
  {
    // Compatible mode: plain fields that disagree with the ciphertext are ignored.
    const real = oaText('o_compat', '我是谁');
    const tampered = real.replace('o_compat', 'admin01').replace('我是谁', '发布活动');
    const r = oaRequest(BOT + '/wechat/callback', real, 'compat', now(), tampered);
    const res = await send(r.url, r.body);
    check('oa compat: only the ciphertext counts', res.status === 200 && oaOpen(res.text).content.includes('oa:o_compat'), res.text);
  }
  {
    let r = await oaSay(BOT, oaEvent('o_ev', 'subscribe', ''));
    check('oa: subscribe greets', r.status === 200 && r.content.includes('欢迎'), r.text);
    r = await oaSay(BOT, oaEvent('o_ev', 'CLICK', '帮助'));
    check('oa: CLICK (upper case) runs its key', r.status === 200 && r.content.includes('报名'), r.text);
    r = await oaSay(BOT, oaEvent('o_ev', 'VIEW', 'https://example.org/'));
    check('oa: VIEW with nothing to say answers success', r.status === 200 && r.text === 'success', r.text);
    r = await oaSay(BOT, oaEvent('o_ev', 'unsubscribe'));
    check('oa: unsubscribe answers success, not an encrypted empty message', r.status === 200 && r.text === 'success', r.text);
    r = await oaSay(BOT, oaText('o_trad', '幫助'));
    check('oa: traditional 幫助 answered in traditional', r.content.includes('報名'), r.content);
  }
  // The 公众号: a retry three times, processed once (a second sign-up
  // would answer differently).
  {
    const r = oaRequest(BOT + '/wechat/callback', oaText('o_retry', '报名 ' + RETRY_EVENT), 'safe');
    const replies = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(r.url, r.body);
      replies.push(res.status === 200 ? oaOpen(res.text).content : `status ${res.status}`);
    }
    check('oa: a retried MsgId gets the same reply three times (processed once)',
      /报名成功|候补/.test(replies[0]) && replies.every((x) => x === replies[0]), JSON.stringify(replies));
  }
  // The 公众号: forged and replayed.
  {
    const forged = oaRequest(BOT + '/wechat/callback', oaText('admin01', '发布活动'), 'plain');
    const res = await send(forged.url, forged.body);
    check('oa: a plaintext message with a valid plain signature is refused while a key is set', res.status === 403, `${res.status} ${res.text}`);
    const ctl = await send(oaRequest(CONTROL + '/', oaText('admin01', '发布活动'), 'plain').url, oaText('admin01', '发布活动'));
    check('oa control: node-webot takes the same forged plaintext (the hole we close)', ctl.status === 200 && ctl.text.includes('control:发布活动'), `${ctl.status}`);
    const stale = oaRequest(BOT + '/wechat/callback', oaText('o_old', '帮助'), 'safe', now() - 400);
    check('oa: a timestamp 400 s old is refused', (await send(stale.url, stale.body)).status === 400);
    const captured = oaRequest(BOT + '/wechat/callback', oaText('o_replay', '帮助'), 'safe', now() - 60);
    const first = await send(captured.url, captured.body);
    const replay = await send(captured.url, captured.body);
    check('oa: a captured request replayed a minute later is refused', first.status === 200 && replay.status === 409, `${first.status} ${replay.status}`);
  }
  // A notice to a follower: a WeCom teacher gives up the last place, the
  // follower on the waitlist is promoted (TestInterop checks the delivery).
  {
    const a = await wecomSay(BOT, 'iw_notice', '报名 ' + EVENT);
    const b = await oaSay(BOT, oaText('o_notice', '报名 ' + EVENT));
    const c = await wecomSay(BOT, 'iw_notice', '取消报名 ' + EVENT);
    check('notice: a WeCom teacher and a follower sign up, the teacher cancels',
      a.content.includes('报名成功') && b.content.includes('候补') && c.content.includes('取消'), JSON.stringify([a.content, b.content, c.content]));
  }
  // Late replies: the callback answers empty in time, the reply goes out
  // actively (TestInterop counts it).
  {
    const w = await wecomSay(LATE, 'iw_late', '慢');
    check('late wecom: the callback answers empty', w.status === 200 && w.text === '', `${w.status} ${w.text}`);
    const o = await oaSay(LATE, oaText('o_late', '慢'));
    check('late oa: the callback answers success', o.status === 200 && o.text === 'success', `${o.status} ${o.text}`);
  }

  control.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.log(`not ok - ${err.stack}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
