// Command fakewecom runs the fake WeCom API on loopback so the bot can be
// tried, and load-tested, without a WeCom account: point WECOM_API_BASE at
// it. It records what the bot sends and prints each message, and enforces
// WeCom's quotas on app messages (flags shrink or lift them), dropping the
// excess silently as WeCom does.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"unionbot/bot/wecom/fakewecom"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	corp := flag.String("corp", "wx5823bf96d3bd56c7", "the corp id (WECOM_CORP_ID) it accepts")
	secret := flag.String("secret", "test-secret", "the app secret (WECOM_SECRET) it accepts")
	robot := flag.String("robot-key", "", "the group robot key (WECOM_ROBOT_KEY); empty accepts any")
	quiet := flag.Bool("quiet", false, "do not print each message (for load tests)")
	l := fakewecom.WeComLimits
	flag.IntVar(&l.MemberPerMinute, "member-per-minute", l.MemberPerMinute, "messages one member may get a minute; the excess is dropped (0: no limit)")
	flag.IntVar(&l.MemberPerHour, "member-per-hour", l.MemberPerHour, "messages one member may get an hour; the excess is dropped (0: no limit)")
	flag.IntVar(&l.DailyQuota, "daily-quota", l.DailyQuota, "person-times the app may send a day; the excess is dropped (0: no limit)")
	flag.IntVar(&l.APIPerMinute, "api-per-minute", l.APIPerMinute, "message/send calls a minute; the excess answers 45009 (0: no limit)")
	flag.Parse()

	fake := fakewecom.New(*corp, *secret)
	fake.RobotKey = *robot
	fake.SetLimits(l)
	var h http.Handler = fake
	if !*quiet {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := len(fake.Sent())
			fake.ServeHTTP(w, r)
			if sent := fake.Sent(); len(sent) > n {
				m := sent[len(sent)-1]
				fmt.Printf("%s to=%s%s %s:\n%s\n\n", m.Path, m.ToUser, m.ToParty, m.MsgType, m.Content)
			}
		})
	}
	fmt.Fprintf(os.Stderr, "fake WeCom API on http://%s (corp %s); limits %+v\n", *addr, *corp, l)
	log.Fatal(http.ListenAndServe(*addr, h))
}
