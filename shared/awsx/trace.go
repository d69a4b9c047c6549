package awsx

import (
	"context"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"github.com/propertypro/propertypro/shared/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// traceCalls makes one client span per AWS SDK operation ("aws SQS.SendMessageBatch"), retries
// included, so a trace shows how long each call to S3 or SQS took and which one failed. It
// runs first in the SDK's stack, where the service and operation are known.
func traceCalls(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("propertypro.trace",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			ctx, span := telemetry.Tracer().Start(ctx, "aws "+service+"."+op, trace.WithSpanKind(trace.SpanKindClient),
				trace.WithAttributes(attribute.String("rpc.system", "aws-api"), attribute.String("rpc.service", service),
					attribute.String("rpc.method", op)))
			defer span.End()
			out, md, err := next.HandleInitialize(ctx, in)
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, err.Error())
			}
			return out, md, err
		}), middleware.Before)
}
