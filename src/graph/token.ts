import { ConfidentialClientApplication } from '@azure/msal-node';
import { GraphError } from './errors';

export interface TokenSettings {
  /** The bot's Entra app registration (MICROSOFT_APP_ID) and its secret (MICROSOFT_APP_PASSWORD). */
  clientId: string;
  clientSecret: string;
  /** The identity platform, `https://login.microsoftonline.com` (MICROSOFT_LOGIN_URL). */
  loginUrl: string;
  /** What the token is for: `https://graph.microsoft.com/.default`. */
  scope: string;
}

/**
 * Application tokens for Graph by client credentials, one MSAL client per tenant: MSAL keeps
 * each token and asks for a new one shortly before it expires.
 *
 * MSAL reads the authority's metadata over the network before its first token unless given it;
 * it is built here from MICROSOFT_LOGIN_URL, so the only call is to its token endpoint. MSAL
 * takes an authority in https only: a plain-http login URL (a fake on loopback) keeps its host as
 * the authority's name while its endpoints stay what the setting says.
 */
export class GraphTokens {
  private readonly clients = new Map<string, ConfidentialClientApplication>();

  constructor(private readonly settings: TokenSettings) {}

  async token(tenantId: string): Promise<string> {
    try {
      const result = await this.client(tenantId).acquireTokenByClientCredential({ scopes: [this.settings.scope] });
      if (!result?.accessToken) throw new Error('no access token in the answer');
      return result.accessToken;
    } catch (error) {
      // MSAL's errorCode (invalid_client, AADSTS…) says why without any secret.
      const code = (error as { errorCode?: string }).errorCode;
      throw new GraphError({ kind: 'auth', endpoint: 'token', code: code ?? (error instanceof Error ? error.message : undefined), cause: error });
    }
  }

  private client(tenantId: string): ConfidentialClientApplication {
    let client = this.clients.get(tenantId);
    if (client) return client;
    const base = this.settings.loginUrl.replace(/\/+$/, '');
    const host = new URL(base).host;
    const at = (path: string) => `${base}/${encodeURIComponent(tenantId)}${path}`;
    client = new ConfidentialClientApplication({
      auth: {
        clientId: this.settings.clientId,
        clientSecret: this.settings.clientSecret,
        authority: `https://${host}/${encodeURIComponent(tenantId)}`,
        knownAuthorities: [host],
        authorityMetadata: JSON.stringify({
          token_endpoint: at('/oauth2/v2.0/token'),
          authorization_endpoint: at('/oauth2/v2.0/authorize'),
          end_session_endpoint: at('/oauth2/v2.0/logout'),
          issuer: at('/v2.0'),
          jwks_uri: at('/discovery/v2.0/keys'),
        }),
        cloudDiscoveryMetadata: JSON.stringify({
          tenant_discovery_endpoint: at('/v2.0/.well-known/openid-configuration'),
          'api-version': '1.1',
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
        }),
      },
    });
    this.clients.set(tenantId, client);
    return client;
  }
}
