window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "private.person@example.org",
      "createdVia" : "web",
      "username" : "dr_ayla_derm",
      "accountId" : "1384920563018727425",
      "createdAt" : "2021-04-21T17:45:30.000Z",
      "accountDisplayName" : "Dr. Ayla Okafor"
    }
  }
]
