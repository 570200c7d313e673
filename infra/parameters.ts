/**
 * The deployment parameters: the OIDC issuer whose tokens the API accepts, the claims that hold the tenant and
 * the role, and the origin of content links. Declared by both targets, so that `sam-local` is the same stack;
 * only the `aws` target's functions read the issuer, audience, JWKS and public URL (see function-environment.ts).
 */
import { Aws, CfnCondition, CfnParameter, Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The parameters' values, as tokens to put into function environments. */
export interface DeploymentParameters {
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly jwksUrl: string;
  readonly tenantClaim: string;
  readonly roleClaim: string;
  /** The PublicUrl parameter, or AWS::NoValue (the variable is absent) when it is empty: config.ts rejects "". */
  readonly publicUrl: string;
}

export function addDeploymentParameters(scope: Construct): DeploymentParameters {
  const jwtIssuer = new CfnParameter(scope, 'JwtIssuer', {
    type: 'String',
    minLength: 1,
    description: 'Issuer (iss) the API accepts, e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>',
  });
  const jwtAudience = new CfnParameter(scope, 'JwtAudience', {
    type: 'String',
    minLength: 1,
    description: 'Audience (aud) the API accepts, e.g. the Cognito app client id',
  });
  const jwksUrl = new CfnParameter(scope, 'JwksUrl', {
    type: 'String',
    allowedPattern: '^https://\\S+$',
    constraintDescription: 'must be an https:// URL',
    description: "The issuer's JWKS, e.g. <issuer>/.well-known/jwks.json",
  });
  const tenantClaim = new CfnParameter(scope, 'TenantClaim', {
    type: 'String',
    default: 'tenant',
    minLength: 1,
    description: 'Token claim holding the tenant id (Cognito custom attribute: custom:tenant)',
  });
  const roleClaim = new CfnParameter(scope, 'RoleClaim', {
    type: 'String',
    default: 'role',
    minLength: 1,
    description: 'Token claim holding the role: patient, provider, admin or service',
  });
  const publicUrl = new CfnParameter(scope, 'PublicUrl', {
    type: 'String',
    default: '',
    allowedPattern: '^(https://\\S+)?$',
    constraintDescription: 'must be empty or an https:// URL',
    description: 'Origin of content links (custom domain); empty: taken from the request Host header',
  });
  const hasPublicUrl = new CfnCondition(scope, 'HasPublicUrl', {
    expression: Fn.conditionNot(Fn.conditionEquals(publicUrl.valueAsString, '')),
  });
  return {
    jwtIssuer: jwtIssuer.valueAsString,
    jwtAudience: jwtAudience.valueAsString,
    jwksUrl: jwksUrl.valueAsString,
    tenantClaim: tenantClaim.valueAsString,
    roleClaim: roleClaim.valueAsString,
    publicUrl: Fn.conditionIf(hasPublicUrl.logicalId, publicUrl.valueAsString, Aws.NO_VALUE).toString(),
  };
}
