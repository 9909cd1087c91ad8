import * as S from './schemas';
import type { CallContext, OceanTransport } from './transport';

/** Ocean's privacy analysis (`analyse/preformattedPrivacy`), which the reports read. */
export class OceanAnalysis {
  constructor(private readonly transport: OceanTransport) {}

  /** The analysis, with its body in the documented form: unwanted filters left out, never sent as `[0]`. */
  privacyAnalysis(request: S.AnalysisRequest, context: CallContext = {}): Promise<S.AnalysisResult[]> {
    const parsed = S.AnalysisRequest.parse(request);
    const filter = Object.fromEntries(
      Object.entries(parsed.filter ?? {})
        .map(([name, ids]) => [name, (ids ?? []).filter((id) => id > 0)] as const)
        .filter(([, ids]) => ids.length > 0),
    );
    return this.transport.call({
      method: 'POST',
      endpoint: 'analyse/preformattedPrivacy',
      body: { filter, renderMode: parsed.renderMode, criteria: parsed.criteria, periode: parsed.periode },
      schema: S.AnalysisResponse,
      idempotent: true,
      requestId: context.requestId,
    });
  }
}
