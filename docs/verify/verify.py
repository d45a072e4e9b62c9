# Verify a Cart Relay delivery in Python 3. In your handler:
#   verify_cart_relay(request.get_data(as_text=True), request.headers, os.environ["CART_RELAY_SECRET"])
# The key is the whole whsec_... secret as UTF-8 bytes (not base64-decoded).
# During a secret rotation Cart Relay signs with both secrets for 24 hours:
# x-webhook-signature with the new one, x-webhook-signature-previous with the
# old one, so a receiver still holding the old secret keeps accepting events.
import base64, binascii, hashlib, hmac, sys, time

def verify_cart_relay(raw_body: str, headers, secret: str, tolerance_ms: int = 5 * 60_000) -> bool:
    timestamp = headers.get("x-webhook-timestamp")
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()) or abs(time.time() * 1000 - int(timestamp)) > tolerance_ms:
        return False
    expected = hmac.new(secret.encode("utf-8"), (timestamp + raw_body).encode("utf-8"), hashlib.sha256).digest()
    for name in ("x-webhook-signature", "x-webhook-signature-previous"):
        signature = headers.get(name)
        if not signature:
            continue
        try:
            given = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            continue
        if hmac.compare_digest(given, expected):
            return True
    return False

if __name__ == "__main__":
    # Command line (used by our tests): python3 verify.py <secret> <timestamp> <signature> [<previous signature>] < body
    secret, timestamp, signature = sys.argv[1:4]
    previous = sys.argv[4] if len(sys.argv) > 4 else None
    body = sys.stdin.buffer.read().decode("utf-8")
    headers = {"x-webhook-timestamp": timestamp, "x-webhook-signature": signature, "x-webhook-signature-previous": previous}
    print("valid" if verify_cart_relay(body, headers, secret) else "invalid")
