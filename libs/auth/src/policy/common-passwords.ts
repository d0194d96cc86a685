/**
 * Passwords of 10+ characters that top the public breach lists (SecLists / HIBP top lists), lower case.
 * Shorter ones are already refused by the length rule. Checked ignoring case; see `password-policy.ts`
 * for the "common word + digits" variants.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '1234567890', '0123456789', '12345678910', '123456789a', '1234567890a', '1111111111', '0000000000',
  '1234512345', '1122334455', '1234554321', '9876543210', '0987654321', '1q2w3e4r5t', '1q2w3e4r5t6y',
  'q1w2e3r4t5', 'qwertyuiop', 'qwerty12345', 'qwerty123456', 'qwerty1234', 'asdfghjkl;', 'asdfghjkl1',
  'zxcvbnm123', '1qaz2wsx3edc', 'qazwsxedc123', 'qazwsxedcrfv', 'zaq12wsxcde3', 'abcdefghij',
  'abcd123456', 'abc1234567', 'a1b2c3d4e5', 'password12', 'password123', 'password1234', 'password!!',
  'password01', 'password99', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'passwordpassword',
  'iloveyou12', 'iloveyou123', 'iloveyou1234', 'letmein123', 'letmein1234', 'welcome123', 'welcome1234',
  'welcome2024', 'welcome2025', 'welcome2026', 'administrator', 'admin12345', 'admin123456', 'adminadmin',
  'rootroot12', 'changeme123', 'changeme12', 'trustno1234', 'football123', 'baseball123', 'basketball',
  'superman123', 'batman1234', 'starwars123', 'princess123', 'sunshine123', 'whatever123', 'monkey1234',
  'dragon1234', 'master1234', 'michael123', 'jennifer123', 'jordan2323', 'shadow1234', 'charlie123',
  'computer123', 'internet123', 'cheese1234', 'chocolate1', 'butterfly1', 'liverpool1', 'chelsea123',
  'manchester', 'everton123', 'arsenal123', 'metallica1', 'pokemon123', 'minecraft1', 'minecraft123',
  'fuckyou123', 'asdasdasd1', 'qweqweqwe1', 'zxczxczxc1', 'aaaaaaaaaa', 'abcabcabc1', 'lovelove12',
  'summer2024', 'summer2025', 'summer2026', 'winter2024', 'winter2025', 'winter2026', 'spring2025',
  'autumn2025', 'january2025', 'december2025', 'november2025', 'monday1234', 'company123', 'operator123',
  'supervisor', 'supervisor1', 'engineer123', 'scada12345', 'industrial', 'monitoring', 'control123',
  'siemens123', 'schneider1', 'plcadmin123', 'idmadmin123', 'idm1234567', 'test123456', 'testtest12',
  'testing123', 'default123', 'guest12345', 'user123456', 'secret1234', 'secret12345', 'mypassword',
  'mypassword1', 'mypassword123', 'newpassword', 'newpassword1', 'passwort123', 'motdepasse1',
  'contrasena1', 'senha12345', 'qwertzuiop', 'azertyuiop', '1qazxsw23edc', '123qweasdzxc', '147258369a',
  '1472583690', '1597534862', '159753456852', '7894561230', '123123123a', '1231231231', '1212121212',
]);

/** Words that, followed only by digits and symbols ("Password2025!"), still make a common password. */
export const COMMON_STEMS: ReadonlySet<string> = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'qwerty', 'qwertyuiop', 'letmein', 'welcome', 'iloveyou',
  'admin', 'administrator', 'changeme', 'monkey', 'dragon', 'master', 'football', 'baseball', 'sunshine',
  'princess', 'superman', 'batman', 'trustno', 'abc', 'abcdef', 'test', 'guest', 'secret', 'summer',
  'winter', 'spring', 'autumn', 'operator', 'supervisor', 'scada', 'idm', 'root', 'user', 'login',
]);
