// The address of the client behind `hops` trusted proxies: each proxy appends
// the address it received the request from to X-Forwarded-For, so only the
// entries the trusted proxies wrote are believed, counted from the right. With
// no trusted proxy the socket's address is the client; anything the client
// wrote into the header itself is ignored.
export function clientAddress(forwardedFor: string | undefined | null, socketAddress: string | null, hops: number): string | null {
  if (hops <= 0) return socketAddress;
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  // The nearest trusted proxy is the socket peer; the one `hops` away wrote the client's address.
  const index = entries.length - hops;
  return entries[Math.max(0, index)] ?? socketAddress;
}
