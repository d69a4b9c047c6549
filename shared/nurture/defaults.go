package nurture

// Defaults are the sequences a new brokerage starts with: a welcome for new portal leads, a
// follow-up after a viewing, a revival of stale leads and a re-engagement of lost ones.
func Defaults() []NewSequence {
	on := true
	return []NewSequence{
		{Key: "new-lead-welcome", Name: "New lead welcome", Active: &on,
			Entry: Entry{Rule: EntryNewLead, Sources: []string{"property_finder", "bayut", "dubizzle", "website"}},
			Steps: []Step{
				msg(WhatsApp, "new_lead_welcome", true,
					"Hi {{first_name}}, this is {{agent_name}} from {{brokerage}}. Thanks for your enquiry about {{listing_title}}. When suits you for a quick call?",
					"مرحباً {{first_name}}، معك {{agent_name}} من {{brokerage}}. شكراً لاستفسارك عن {{listing_title}}. متى يناسبك اتصال قصير؟"),
				{Kind: StepWait, WaitHours: 24},
				msg(Email, "new_lead_shortlist", false,
					"Dear {{first_name}},\n\nHere is a shortlist close to what you asked for, starting with {{listing_title}} in {{listing_community}} at AED {{listing_price}}.\n\n{{agent_name}}\n\nUnsubscribe: {{unsubscribe_url}}",
					"عزيزي {{first_name}}،\n\nإليك مجموعة مختارة تناسب طلبك، أولها {{listing_title}} في {{listing_community}} بسعر {{listing_price}} درهم.\n\n{{agent_name}}\n\nإلغاء الاشتراك: {{unsubscribe_url}}"),
				{Kind: StepWait, WaitHours: 48},
				{Kind: StepTask, TaskTitle: "Call the lead: no answer to the welcome messages yet", TaskDueHrs: 4},
			}},
		{Key: "post-viewing-follow-up", Name: "Post-viewing follow-up", Active: &on,
			Entry: Entry{Rule: EntryViewingDone},
			Steps: []Step{
				{Kind: StepWait, WaitHours: 2},
				msg(WhatsApp, "post_viewing_feedback", true,
					"Hi {{first_name}}, thanks for viewing {{listing_title}} today. What did you think?",
					"مرحباً {{first_name}}، شكراً لزيارتك {{listing_title}} اليوم. ما رأيك؟"),
				{Kind: StepWait, WaitHours: 72},
				{Kind: StepTask, TaskTitle: "Follow up on the viewing feedback", TaskDueHrs: 24},
			}},
		{Key: "stale-lead-revival", Name: "Stale lead revival", Active: &on,
			Entry: Entry{Rule: EntryNoContact, Days: 14},
			Steps: []Step{
				msg(WhatsApp, "stale_lead_checkin", true,
					"Hi {{first_name}}, {{agent_name}} here. Are you still looking in {{listing_community}}? A few new options came up.",
					"مرحباً {{first_name}}، معك {{agent_name}}. هل ما زلت تبحث في {{listing_community}}؟ لدينا خيارات جديدة."),
				{Kind: StepWait, WaitHours: 96},
				{Kind: StepStage, Stage: "nurture"},
			}},
		{Key: "lost-re-engage", Name: "Lost lead re-engagement", Active: &on,
			Entry:  Entry{Rule: EntryLost, Days: 90},
			ExitOn: []string{ExitReplied, ExitOptedOut},
			Steps: []Step{
				msg(Email, "lost_reengage", false,
					"Dear {{first_name}},\n\nThe market has moved since we last spoke. {{listing_title}} in {{listing_community}} may interest you.\n\n{{agent_name}}\n\nUnsubscribe: {{unsubscribe_url}}",
					"عزيزي {{first_name}}،\n\nتغيرت السوق منذ حديثنا الأخير. قد يهمك {{listing_title}} في {{listing_community}}.\n\n{{agent_name}}\n\nإلغاء الاشتراك: {{unsubscribe_url}}"),
			}},
	}
}

func msg(ch Channel, name string, approved bool, en, ar string) Step {
	t := &Template{Name: name, Approved: approved, Reviewed: true, Body: map[string]string{"en": en, "ar": ar}}
	if ch == Email {
		t.Subject = map[string]string{"en": "Homes for you, {{first_name}}", "ar": "منازل تناسبك يا {{first_name}}"}
	}
	return Step{Kind: StepMessage, Channel: ch, Template: t}
}
