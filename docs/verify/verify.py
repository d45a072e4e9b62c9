# Verify a Cart Relay delivery in Python 3. In your handler:
#   verify_cart_relay(request.get_data(as_text=True), request.headers, os.environ["CART_RELAY_SECRET"])
import base64, hashlib, hmac, sys, time

def verify_cart_relay(raw_body: str, headers, secret: str, tolerance_ms: int = 5 * 60_000) -> bool:
    timestamp = headers.get("x-webhook-timestamp")
    signature = headers.get("x-webhook-signature")
    if not timestamp or not signature or abs(time.time() * 1000 - int(timestamp)) > tolerance_ms:
        return False
    expected = hmac.new(secret.encode(), (timestamp + raw_body).encode(), hashlib.sha256).digest()
    try:
        given = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return hmac.compare_digest(given, expected)

if __name__ == "__main__":
    # Command line (used by our tests): python3 verify.py <secret> <timestamp> <signature> < body
    secret, timestamp, signature = sys.argv[1:4]
    body = sys.stdin.read()
    print("valid" if verify_cart_relay(body, {"x-webhook-timestamp": timestamp, "x-webhook-signature": signature}, secret) else "invalid")
