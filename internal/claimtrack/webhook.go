package claimtrack

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// A Webhook is an address that receives a signed JSON POST for every change
// that notifies (see EventType.Notifies).
type Webhook struct {
	ID        int64
	URL       string
	Secret    string // the key of the HMAC-SHA256 signature of each POST
	Active    bool
	CreatedAt time.Time
	CreatedBy string

	// Counts of its deliveries, filled where hooks are listed.
	Pending, Delivered, Failed int
}

// WebhookInput is what an admin enters to register a hook.
type WebhookInput struct {
	URL string
}

// Normalize trims the address.
func (in *WebhookInput) Normalize() { in.URL = strings.TrimSpace(in.URL) }

// Validate checks the address: a full http or https URL.
func (in *WebhookInput) Validate() error {
	f := fieldErrors{}
	if in.URL == "" {
		f.add("url", "Enter the address that receives the deliveries.")
	}
	checkURL(f, "url", in.URL)
	return f.err()
}

// DeliveryState says where a delivery stands.
type DeliveryState string

// The states of a delivery.
const (
	DeliveryPending   DeliveryState = "pending"   // not yet accepted; retried until it is a day old
	DeliveryDelivered DeliveryState = "delivered" // the receiver answered 2xx
	DeliveryFailed    DeliveryState = "failed"    // given up on
)

// A Delivery is one change sent, or to be sent, to one hook.
type Delivery struct {
	ID           int64
	HookID       int64
	DeliveryID   string // random; the same for every attempt, so receivers can drop repeats
	EventID      int64
	EventType    EventType
	Body         string // the JSON sent, fixed when the change was made
	State        DeliveryState
	Attempts     int
	NextAt       time.Time
	LastStatus   int // HTTP status of the last attempt, 0 for none (or no answer)
	LastError    string
	CreatedAt    time.Time
	DoneAt       time.Time
	RedeliveryOf string

	// URL and Secret are the hook's, filled for the sender.
	URL, Secret string
}

// Attempt is the outcome of one try to send a delivery.
type Attempt struct {
	Status int    // the HTTP status, 0 when there was no answer
	Err    string // what went wrong, "" on success
	At     time.Time
}

// OK says whether the receiver accepted the delivery.
func (a Attempt) OK() bool { return a.Err == "" && a.Status >= 200 && a.Status < 300 }

// Notifies says whether a change of this kind is sent to the webhooks: new
// claims, verdicts, assignments and evidence changes.
func (t EventType) Notifies() bool {
	switch t {
	case EventClaimCreated, EventStatusChanged, EventEvidenceAdded, EventEvidenceEdited, EventEvidenceRemoved, EventClaimAssigned:
		return true
	}
	return false
}

// DeliveryBody is the JSON a hook receives for an event: the delivery id,
// the change as the API shows it, and the path of its claim.
func DeliveryBody(deliveryID string, ev *Event) (string, error) {
	type change struct {
		ID           int64             `json:"id"`
		Type         EventType         `json:"type"`
		Label        string            `json:"label"`
		Actor        string            `json:"actor"`
		At           string            `json:"at"`
		ClaimID      int64             `json:"claim_id,omitempty"`
		ClaimVersion int64             `json:"claim_version,omitempty"`
		SourceID     int64             `json:"source_id,omitempty"`
		EvidenceID   int64             `json:"evidence_id,omitempty"`
		Before       map[string]string `json:"before"`
		After        map[string]string `json:"after"`
		Note         string            `json:"note"`
	}
	body := struct {
		Delivery  string `json:"delivery"`
		Change    change `json:"change"`
		ClaimPath string `json:"claim_path,omitempty"`
	}{
		Delivery: deliveryID,
		Change: change{ID: ev.ID, Type: ev.Type, Label: ev.Type.Label(), Actor: ev.Actor, At: ev.At.UTC().Format(time.RFC3339),
			ClaimID: ev.ClaimID, ClaimVersion: ev.ClaimVersion, SourceID: ev.SourceID, EvidenceID: ev.EvidenceID,
			Before: orEmpty(ev.Before), After: orEmpty(ev.After), Note: ev.Note},
	}
	if ev.ClaimID != 0 {
		body.ClaimPath = "/claims/" + strconv.FormatInt(ev.ClaimID, 10)
	}
	b, err := json.Marshal(body)
	return string(b), err
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
