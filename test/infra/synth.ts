/**
 * Builds the MedFiles stack the way `cdk synth` does (cdk.json's feature flags), minus the slow parts: no esbuild
 * bundling (`aws:cdk:bundling-stacks: []`) and no built-in CloudFormation validation, which one test in
 * nag.test.ts turns back on. About a second per stack instead of ten.
 */
import { readFileSync } from 'node:fs';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import { MedFilesStack, type MedFilesStackProps } from '../../infra/stack.ts';
import type { TableLayout } from '../../shared/adapters/table-schema.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  app: App;
  stack: MedFilesStack;
  template: Template;
}

export function newApp(options: { validation?: boolean } = {}): App {
  return new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: options.validation ?? false,
  });
}

export function synthMedFiles(props: MedFilesStackProps = {}): Synthesized {
  const app = newApp();
  const stack = new MedFilesStack(app, 'MedFilesStack', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id CloudFormation knows a construct's resource by. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every Allow statement of the managed policies attached to a role (by logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[] | undefined)?.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => s.Effect === 'Allow');
}

export function actionsOf(statements: readonly Statement[]): Set<string> {
  return new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

/** True when a statement's Resource (or any resource in it) is built from the resource with this logical id. */
export function refersTo(resource: unknown, logicalId: string): boolean {
  return JSON.stringify(resource).includes(`"${logicalId}"`);
}

/** The actions a role's Allow statements grant on the resource with this logical id (its ARN, objects, indexes). */
export function actionsOn(statements: readonly Statement[], logicalId: string): Set<string> {
  return actionsOf(statements.filter((s) => refersTo(s.Resource, logicalId)));
}

/** A synthesized table (AWS::DynamoDB::GlobalTable) has every index of `layout`, projecting all attributes, and no other. */
export function expectIndexesOf(table: Record<string, any>, layout: TableLayout): void {
  const indexes = table.Properties.GlobalSecondaryIndexes as any[];
  expect(indexes.map((i) => i.IndexName).sort()).toEqual(layout.indexes.map((i) => i.name).sort());
  for (const def of layout.indexes) {
    expect(indexes.find((i) => i.IndexName === def.name)).toEqual({
      IndexName: def.name,
      KeySchema: [
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        { AttributeName: def.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
  }
}
