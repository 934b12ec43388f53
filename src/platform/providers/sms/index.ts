import type { Config } from '../../config.js';
import { OfflineSmsProvider } from './OfflineSms.js';
import type { SmsProvider } from './SmsProvider.js';
import { TwilioSmsProvider } from './TwilioSms.js';

/** SMS_PROVIDER=offline (default: no network, simulated receipts) or twilio (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN). */
export function createSmsProvider(config: Config): SmsProvider {
  if (config.sms.provider === 'twilio')
    return new TwilioSmsProvider(config.sms.twilioAccountSid!, config.sms.twilioAuthToken!, config.sms.twilioApiUrl);
  return new OfflineSmsProvider(config.sms.offlineReceiptDelayMs);
}

export { OfflineSmsProvider } from './OfflineSms.js';
export { TwilioSmsProvider } from './TwilioSms.js';
export * from './SmsProvider.js';
export { twilioSignature, validTwilioSignature } from './twilio-signature.js';
