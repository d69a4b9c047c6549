package delivery

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/propertypro/propertypro/shared/nurture"
)

// SES sends email through Amazon SES's v2 API.
type SES struct {
	Client *sesv2.Client
	From   string
}

// NewSES builds the SES adapter from an AWS configuration.
func NewSES(cfg aws.Config, from string) SES {
	return SES{Client: sesv2.NewFromConfig(cfg), From: from}
}

// Deliver sends m as a plain-text email with a List-Unsubscribe header and returns SES's id.
func (s SES) Deliver(ctx context.Context, m nurture.Message) (string, error) {
	charset := aws.String("UTF-8")
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: charset},
			Body:    &types.Body{Text: &types.Content{Data: aws.String(m.Body), Charset: charset}},
			Headers: unsubscribeHeaders(m),
		}},
		EmailTags: []types.MessageTag{{Name: aws.String("outbox_id"), Value: aws.String(m.ID)}},
	}
	out, err := s.Client.SendEmail(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.MessageId), nil
}

func unsubscribeHeaders(m nurture.Message) []types.MessageHeader {
	u := m.Variables["unsubscribe_url"]
	if u == "" {
		return nil
	}
	return []types.MessageHeader{
		{Name: aws.String("List-Unsubscribe"), Value: aws.String("<" + u + ">")},
		{Name: aws.String("List-Unsubscribe-Post"), Value: aws.String("List-Unsubscribe=One-Click")},
	}
}
