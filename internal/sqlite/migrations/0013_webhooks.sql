-- Webhooks: addresses that receive a signed JSON POST for every new claim,
-- verdict, assignment and evidence change. A delivery is a row of an outbox
-- written in the same transaction as the change and its event, so a change
-- that is committed always has its deliveries, even if the process dies
-- before it sends them; a worker sends them and retries the failures with
-- growing waits until they are a day old. A hook is switched off, never
-- deleted: its deliveries keep their history.
CREATE TABLE webhooks (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,               -- the HMAC-SHA256 key that signs each POST
	active     INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	hook_id     INTEGER NOT NULL REFERENCES webhooks (id),
	delivery_id TEXT NOT NULL UNIQUE,       -- random, sent with every attempt: receivers drop repeats by it
	event_id    INTEGER NOT NULL REFERENCES events (id),
	body        TEXT NOT NULL,              -- the JSON sent, fixed when the change is made
	state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     TEXT NOT NULL,              -- when the next attempt is due (pending only)
	last_status INTEGER NOT NULL DEFAULT 0, -- the HTTP status of the last attempt, 0 for none
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	done_at     TEXT NOT NULL DEFAULT '',
	redelivery_of TEXT NOT NULL DEFAULT ''  -- the delivery an admin sent again, if this is such a copy
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (hook_id, id);
