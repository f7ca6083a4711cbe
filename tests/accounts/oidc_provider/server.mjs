// A real OpenID Connect provider for Cadence's single sign-on tests (panva/oidc-provider, with its
// built-in development sign-in and consent pages). Started by tests/accounts/test_sso_end_to_end.py:
//
//   CLIENT_ID=… CLIENT_SECRET=… REDIRECT_URI=… node server.mjs
//
// It listens on 127.0.0.1 on a free port and prints one line, "listening <issuer>", once ready.
// Whatever login is typed on its sign-in page is the account: its `sub` and its email address
// (verified), with the name before the @ as its name. Every login and consent is accepted.
import http from "node:http";
import Provider from "oidc-provider";

const { CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
if (!CLIENT_ID || !CLIENT_SECRET || !REDIRECT_URI) {
  console.error("CLIENT_ID, CLIENT_SECRET and REDIRECT_URI are required");
  process.exit(2);
}

let handler = null;
const server = http.createServer((req, res) => handler(req, res));

server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: REDIRECT_URI.split(","),
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["cadence-test-oidc-provider-cookie-key"] },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: true, name: id.split("@")[0] };
        },
      };
    },
  });
  // Plain HTTP on 127.0.0.1 is fine for a test provider.
  provider.on("server_error", (ctx, err) => console.error("server_error", err));
  handler = provider.callback();
  console.log(`listening ${issuer}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
