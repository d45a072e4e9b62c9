<?php
// Verify a Cart Relay delivery in PHP 7.4+. In your handler:
//   verifyCartRelay(file_get_contents('php://input'), getallheaders(), getenv('CART_RELAY_SECRET'));
// The key is the whole whsec_... secret as UTF-8 bytes (not base64-decoded).
// During a secret rotation Cart Relay signs with both secrets for 24 hours:
// x-webhook-signature with the new one, x-webhook-signature-previous with the
// old one, so a receiver still holding the old secret keeps accepting events.
function verifyCartRelay(string $rawBody, array $headers, string $secret, int $toleranceMs = 300000): bool {
    $headers = array_change_key_case($headers, CASE_LOWER);
    $timestamp = $headers['x-webhook-timestamp'] ?? '';
    if (!ctype_digit($timestamp) || abs(microtime(true) * 1000 - (int) $timestamp) > $toleranceMs) {
        return false;
    }
    $expected = base64_encode(hash_hmac('sha256', $timestamp . $rawBody, $secret, true));
    foreach (['x-webhook-signature', 'x-webhook-signature-previous'] as $name) {
        $signature = $headers[$name] ?? '';
        if ($signature !== '' && hash_equals($expected, $signature)) {
            return true;
        }
    }
    return false;
}

// Command line (used by our tests): php verify.php <secret> <timestamp> <signature> [<previous signature>] < body
if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    $secret = $argv[1];
    $headers = ['x-webhook-timestamp' => $argv[2], 'x-webhook-signature' => $argv[3], 'x-webhook-signature-previous' => $argv[4] ?? ''];
    $body = stream_get_contents(STDIN);
    echo verifyCartRelay($body, $headers, $secret) ? "valid\n" : "invalid\n";
}
