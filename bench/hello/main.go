// Command hello is the smallest Go Lambda that answers an API Gateway HTTP API event: the
// baseline `make bench-coldstart` compares PropertyPro's functions against, built with the
// same flags, so that the ratio shows what our own start-up costs on top of Go and the
// runtime client.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200,
			Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"status":"ok"}`}, nil
	})
}
