import re

from flask import Flask
from flask.testing import FlaskClient


def test_openapi_describes_every_api_route(app: Flask, client: FlaskClient, auth) -> None:
    response = client.get("/api/openapi.json", headers=auth("viewer"))
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    described = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_0-9]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    assert served == described
