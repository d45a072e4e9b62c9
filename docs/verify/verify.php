<?php
// Verify a Cart Relay delivery in PHP 7.4+. In your handler:
//   verifyCartRelay(file_get_contents('php://input'), getallheaders(), getenv('CART_RELAY_SECRET'));
function verifyCartRelay(string $rawBody, array $headers, string $secret, int $toleranceMs = 300000): bool {
    $headers = array_change_key_case($headers, CASE_LOWER);
    $timestamp = $headers['x-webhook-timestamp'] ?? '';
    $signature = $headers['x-webhook-signature'] ?? '';
    if ($timestamp === '' || $signature === '' || abs(microtime(true) * 1000 - (int) $timestamp) > $toleranceMs) {
        return false;
    }
    $expected = base64_encode(hash_hmac('sha256', $timestamp . $rawBody, $secret, true));
    return hash_equals($expected, $signature);
}

// Command line (used by our tests): php verify.php <secret> <timestamp> <signature> < body
if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    [$_, $secret, $timestamp, $signature] = $argv;
    $body = stream_get_contents(STDIN);
    echo verifyCartRelay($body, ['x-webhook-timestamp' => $timestamp, 'x-webhook-signature' => $signature], $secret) ? "valid\n" : "invalid\n";
}
