package unionbot

import "context"

// Where an admin action came from, as the audit log records it.
const (
	FromChatWeCom = "chat-wecom" // a WeCom message
	FromChatOA    = "chat-oa"    // an Official Account message
	FromAPI       = "api"        // the admin API (/api, the admin token)
	FromConsole   = "console"    // the web console (/admin)
	FromCLI       = "cli"        // a subcommand or the terminal chat
	FromJob       = "job"        // a scheduled job: nobody acted
)

// Actor is who does something and from where: a member id (chat), the
// console's signed-in user, the API token's name, or the system for jobs.
// The face that received the request puts it in the context; services
// read it when they record an admin action.
type Actor struct {
	ID      string // member id, console user, "admin-token", or "system"
	Name    string // a person's name where known
	Channel string // one of the From… constants
	Addr    string // the remote address, for HTTP
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor ctx carries; without one, the system acting
// from a job.
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{ID: "system", Channel: FromJob}
}
