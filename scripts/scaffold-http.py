#!/usr/bin/env python3
"""Creates functions/<name>/main.go and events/<name>/request.json for HTTP functions of the
manifest that lack them. Usage: scripts/scaffold-http.py NAME=RouteFunc [...]
(RouteFunc is the shared/api operation, e.g. api-me=Me). Edit the event's body afterwards."""
import json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
import glob
manifest = "".join(open(f).read() for f in sorted(glob.glob(os.path.join(root, "functions/manifest*.go"))))

def route_of(name):
    m = re.search(r'Name:\s*"%s",.*?Route:\s*"([A-Z]+) ([^"]+)"' % re.escape(name), manifest, re.S)
    if not m:
        sys.exit("%s: no HTTP route in functions/manifest*.go" % name)
    return m.group(1), m.group(2)

def event(method, path, body):
    concrete = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000001", path)
    ev = {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": concrete, "rawQueryString": "",
          "headers": {"accept": "application/json", "content-type": "application/json",
                      "user-agent": "propertypro-sample"},
          "requestContext": {"accountId": "123456789012", "apiId": "local", "domainName": "api.propertypro.local",
                             "http": {"method": method, "path": concrete, "protocol": "HTTP/1.1",
                                      "sourceIp": "203.0.113.10", "userAgent": "propertypro-sample"},
                             "requestId": "sample-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-"),
                             "routeKey": f"{method} {path}", "stage": "$default",
                             "time": "25/Nov/2026:10:00:00 +0000", "timeEpoch": 1795600800000},
          "isBase64Encoded": False}
    if body is not None:
        ev["body"] = json.dumps(body)
    return ev

for arg in sys.argv[1:]:
    name, fn = arg.split("=")
    method, path = route_of(name)
    d = os.path.join(root, "functions", name)
    os.makedirs(d, exist_ok=True)
    main = os.path.join(d, "main.go")
    if not os.path.exists(main):
        open(main, "w").write(f'''// Command {name} is a Lambda function; see its entry in functions/manifest.go.
package main

import (
\t"github.com/propertypro/propertypro/shared/api"
\t"github.com/propertypro/propertypro/shared/platform"
)

func main() {{ platform.Start("{name}", api.Builder(api.{fn})) }}
''')
    e = os.path.join(root, "events", name)
    os.makedirs(e, exist_ok=True)
    f = os.path.join(e, "request.json")
    if not os.path.exists(f):
        body = {} if method in ("POST", "PATCH", "PUT") else None
        json.dump(event(method, path, body), open(f, "w"), indent=2)
        open(f, "a").write("\n")
