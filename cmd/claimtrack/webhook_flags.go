package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/claimtrack/claimtrack/internal/sqlite"
	"github.com/claimtrack/claimtrack/internal/webhook"
)

// webhookFlags registers the settings of the webhook sender, each with its
// environment fallback and default.
func webhookFlags(fs *flag.FlagSet, cfg *webhook.Config) error {
	*cfg = webhook.DefaultConfig
	d := webhook.DefaultConfig
	return errors.Join(
		durationFlag(fs, &cfg.Timeout, "webhook-timeout", "CLAIMTRACK_WEBHOOK_TIMEOUT", d.Timeout,
			"the longest one webhook delivery attempt may take, answer included"),
		durationFlag(fs, &cfg.RetryBase, "webhook-retry-base", "CLAIMTRACK_WEBHOOK_RETRY_BASE", d.RetryBase,
			"the wait after a delivery's first failure; each next wait doubles"),
		durationFlag(fs, &cfg.RetryMax, "webhook-retry-max", "CLAIMTRACK_WEBHOOK_RETRY_MAX", d.RetryMax,
			"the longest wait between two attempts of a delivery"),
		durationFlag(fs, &cfg.MaxAge, "webhook-max-age", "CLAIMTRACK_WEBHOOK_MAX_AGE", d.MaxAge,
			"how long after a change its deliveries are retried before they are given up"),
	)
}

// checkWebhooks refuses settings that would make the sender spin or never
// retry: every duration is above zero, and the longest wait is no shorter
// than the first.
func checkWebhooks(c webhook.Config) error {
	for name, d := range map[string]time.Duration{"webhook-timeout": c.Timeout, "webhook-retry-base": c.RetryBase,
		"webhook-retry-max": c.RetryMax, "webhook-max-age": c.MaxAge} {
		if d <= 0 {
			return fmt.Errorf("serve: --%s must be above 0, not %s", name, d)
		}
	}
	if c.RetryMax < c.RetryBase {
		return fmt.Errorf("serve: --webhook-retry-max (%s) must not be shorter than --webhook-retry-base (%s)", c.RetryMax, c.RetryBase)
	}
	return nil
}

// startWebhooks runs the sender of db's outbox until the returned stop is
// called; stop returns once the sender is done (an attempt cut short stays
// pending, to be sent after the next start).
func (m *Main) startWebhooks(db *sqlite.DB) (stop func()) {
	cfg := m.Config.Webhooks
	if cfg.Batch == 0 {
		cfg.Batch, cfg.Poll = webhook.DefaultConfig.Batch, webhook.DefaultConfig.Poll
	}
	s := webhook.New(db, cfg, m.Logger)
	db.OnCommit(s.Wake)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
