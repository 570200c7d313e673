/**
 * cdk-nag (AWS Solutions and HIPAA Security packs) finds nothing that is neither fixed nor acknowledged, every
 * acknowledgement says why, and none is left over from a finding that no longer exists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { MedFilesStack, type MedFilesStackProps } from '../../infra/stack.ts';
import { consoleDistFixture } from './console-dist.ts';
import { newApp, synthMedFiles } from './synth.ts';

/** The stack as deployed by default, and with every option that adds resources. */
const VARIANTS: Record<string, MedFilesStackProps> = {
  default: {},
  'with the console on': { console: { distPath: consoleDistFixture() } },
};

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
  trace: readonly string[];
}

/** Acknowledgements as cdk-nag reads them: metadata on constructs, ids stored with an `Annotation::` prefix. */
function acknowledgementsIn(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
          trace: entry.trace ?? [],
        })),
      ),
  );
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

describe.each(Object.entries(VARIANTS))('cdk-nag, %s', (_variant, props) => {
  it('reports nothing for the stack, and neither does CloudFormation validation', () => {
    const app = newApp({ validation: true });
    new MedFilesStack(app, 'MedFilesStack', props);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));

    // Any error-level finding makes synth throw with the whole report as its message.
    const assembly = app.synth();

    const report = JSON.parse(
      readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map(
        (v) => `${plugin.pluginName} ${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  const { stack } = synthMedFiles(props);
  const acknowledgements = acknowledgementsIn(stack);

  it('acknowledges only rules of the two packs, each with a reason that explains itself', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.id, ack.path).toMatch(/^(AwsSolutions|HIPAA\.Security)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(ack.reason.length, `${ack.id} at ${ack.path}: reason too short`).toBeGreaterThanOrEqual(100);
      expect(ack.reason, `${ack.id} at ${ack.path}`).not.toMatch(/\b(todo|fixme|tbd|false positive|not needed|n\/a)\b/i);
    }
  });

  it('records every acknowledgement in infra/nag-acknowledgements.ts', () => {
    for (const ack of acknowledgements) {
      const recordedBy = ack.trace.find((line) => !line.includes('aws-cdk-lib') && line.includes('infra/'));
      expect(recordedBy, `${ack.id} at ${ack.path}`).toContain(`infra${path.sep}nag-acknowledgements.ts`);
    }
  });

  it('acknowledges only findings that exist (no stale acknowledgements)', () => {
    // Run the packs as if nothing were acknowledged. `isAcknowledged` is private in cdk-nag 3.0.2 (pinned), so it
    // is replaced on the instance; if a cdk-nag upgrade renames it, this test fails loudly rather than passing.
    const packs: NagPack[] = [new AwsSolutionsChecks(), new HIPAASecurityChecks()];
    const findings = packs.flatMap((pack) => {
      expect(typeof (pack as unknown as Record<string, unknown>).isAcknowledged).toBe('function');
      Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
      return pack
        .validateScope(stack)
        .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })));
    });
    for (const ack of acknowledgements) {
      const covered = findings.some((f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)));
      expect(covered, `${ack.id} at ${ack.path} matches no finding`).toBe(true);
    }
  });
});
