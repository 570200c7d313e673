/**
 * A table's keys and global secondary indexes in TableV2's terms, from its layout (shared/adapters/table-schema.ts):
 * the files table and the audit table are both built from their layout this way, and the local runtime creates
 * them from the same layouts (local/bootstrap.ts).
 */
import { AttributeType, ProjectionType, type TablePropsV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { TableLayout } from '../shared/adapters/table-schema.ts';

export function keysAndIndexes(layout: TableLayout): Pick<TablePropsV2, 'partitionKey' | 'sortKey' | 'globalSecondaryIndexes'> {
  return {
    partitionKey: { name: layout.partitionKey, type: AttributeType.STRING },
    sortKey: { name: layout.sortKey, type: AttributeType.STRING },
    globalSecondaryIndexes: layout.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    })),
  };
}
