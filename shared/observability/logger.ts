/**
 * The one logger of every function: Powertools Logger, one JSON object per line on stdout (warnings and errors
 * on stderr), only the fields ./log-fields.ts allows. The level comes from POWERTOOLS_LOG_LEVEL (default INFO) or
 * Lambda's advanced logging controls; the local runtime lowers it to WARN, where its own access line says the rest.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { AllowListLogFormatter } from './log-fields.ts';

/** The `service` of every log line and metric: set here, so no function needs POWERTOOLS_SERVICE_NAME. */
export const SERVICE = 'medfiles';

export const logger = new Logger({ serviceName: SERVICE, logFormatter: new AllowListLogFormatter() });
